package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon reads back exactly what MountCommand.daemonArgs wrote, and nothing else. */
class MountDaemonArgsTest {
    @Test
    void roundTripsWhatTheCliWrites() {
        MountCommand m = new MountCommand();
        m.user = "b@x.io";
        m.folders = List.of("data", "code");
        m.readOnly = List.of("data");
        m.pollMs = 50;
        m.cacheSeconds = 0.25;
        Context ctx = new Context(Path.of("/srv/sharefs"), "jdbc:h2:tcp://db/x", null, false, null, null);
        List<String> args = m.daemonArgs(ctx, Path.of("/home/work"), 1000, 1001);

        MountDaemon.Parsed p = MountDaemon.parse(args.toArray(new String[0]));
        assertEquals(Path.of("/srv/sharefs"), p.home());
        assertEquals("jdbc:h2:tcp://db/x", p.db());
        MountCommand back = p.mount();
        assertTrue(back.foreground);
        assertEquals("b@x.io", back.user);
        assertEquals(1000L, back.uid);
        assertEquals(1001L, back.gid);
        assertEquals(List.of("data", "code"), back.folders);
        assertEquals(List.of("data"), back.readOnly);
        assertEquals(50, back.pollMs);
        assertEquals(0.25, back.cacheSeconds);
        assertEquals(Path.of("/home/work"), back.mountPoint);
    }

    @Test
    void defaultsMatchTheCli() {
        MountDaemon.Parsed p = MountDaemon.parse(new String[] {"mount", "--foreground", "--user=a@x.io", "--", "/m"});
        assertNull(p.home());
        assertNull(p.db());
        assertEquals(100, p.mount().pollMs);
        assertEquals(0.5, p.mount().cacheSeconds);
        assertNull(p.mount().uid);
    }

    @Test
    void refusesAnythingElse() {
        String[][] bad = {
                {},
                {"mount", "--user=a@x.io", "--", "/m"},                          // not --foreground
                {"mount", "--foreground", "--", "/m"},                           // no user
                {"mount", "--foreground", "--user=a@x.io", "/m"},                // no --
                {"mount", "--foreground", "--user=a@x.io", "--", "/m", "/n"},    // two mountpoints
                {"mount", "--foreground", "--user=a@x.io", "--uid=x", "--", "/m"},
                {"mount", "--foreground", "--user=a@x.io", "--colour=red", "--", "/m"},
                {"mount", "--foreground", "--user", "a@x.io", "--", "/m"},       // only --opt=value forms
                {"--home"},
                {"user", "list"},
        };
        for (String[] args : bad) {
            assertThrows(IllegalArgumentException.class, () -> MountDaemon.parse(args), String.join(" ", args));
        }
    }
}
