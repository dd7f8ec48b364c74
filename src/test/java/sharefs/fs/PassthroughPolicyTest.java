package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import sharefs.access.Grant;
import sharefs.sharing.Permission;

/** Which opens may go passthrough, mode by mode, folder kind by folder kind (PassthroughPolicy). */
class PassthroughPolicyTest {
    static final Grant OWNED = new Grant("f1", "mine", true, null, Path.of("/x"), true);
    static final Grant EDIT_DELETE = new Grant("f2", "wd", false, Permission.EDIT_DELETE, Path.of("/x"), false);
    static final Grant VIEW = new Grant("f3", "ro", false, Permission.VIEW, Path.of("/x"), false);

    /** "rw" per grant: r if a read-only open may go passthrough, w if a writable one may. */
    static String cells(Passthrough mode, boolean reserve) {
        PassthroughPolicy p = new PassthroughPolicy(mode, reserve);
        StringBuilder b = new StringBuilder();
        for (Grant g : new Grant[] {OWNED, EDIT_DELETE, VIEW}) {
            b.append(p.eligible(g, false) ? 'r' : '-').append(p.eligible(g, true) ? 'w' : '-').append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void theTable() {
        assertEquals("rw -- --", cells(Passthrough.OWNED, false));
        assertEquals("r- -- --", cells(Passthrough.OWNED, true), "writes must meet the reserve");
        assertEquals("rw r- r-", cells(Passthrough.READS, false));
        assertEquals("r- r- r-", cells(Passthrough.READS, true));
        assertEquals("-- -- --", cells(Passthrough.OFF, false));
        assertEquals("-- -- --", cells(Passthrough.OFF, true));
    }
}
