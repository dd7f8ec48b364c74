package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;

/**
 * Only the session's uid (--uid 1000) and root may enter the mount; any other uid gets EACCES
 * from the daemon. Other uids run as real processes through setpriv.
 */
class CallerUidTest {
    static final String A = "a@x.io", B = "b@x.io";

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path mnt;
    static Path back;

    @BeforeAll
    static void mountB() throws IOException {
        env = new Mounts(tmp);
        env.user(A);
        env.user(B);
        env.folder(A, "tests");
        env.share(A, "tests", B, Permission.EDIT);
        back = env.backing(A, "tests");
        Files.writeString(back.resolve("f"), "content of f\n");
        mnt = env.mountPoint("b");
        env.mount(B, mnt);
    }

    @AfterAll
    static void unmount() {
        if (env != null) env.close();
    }

    private static Mounts.Result as(int uid, String... cmd) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", String.valueOf(uid), "--regid", String.valueOf(uid),
                "--clear-groups"));
        argv.addAll(List.of(cmd));
        return Mounts.run(argv, Duration.ofSeconds(20));
    }

    /**
     * The kernel applies the caller's umask before a create reaches the daemon, so the daemon must
     * apply none of its own: (umask 002; touch; mkdir; mkfifo) gives 664/775/664, as natively.
     */
    @Test
    void newEntriesGetTheModeTheCallerAskedFor_notTheDaemonsUmask() throws IOException {
        Path dir = mnt.resolve("tests");
        Mounts.Result r = as(1000, "sh", "-c", "umask 002 && touch \"$0/um-f\" && mkdir \"$0/um-d\" && mkfifo \"$0/um-p\""
                + " && umask 077 && touch \"$0/um-private\"", dir.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(0664, mode(back.resolve("um-f")), "touch under umask 002");
        assertEquals(0775, mode(back.resolve("um-d")), "mkdir under umask 002");
        assertEquals(0664, mode(back.resolve("um-p")), "mkfifo under umask 002");
        assertEquals(0600, mode(back.resolve("um-private")), "touch under umask 077");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void anotherUid_getsPermissionDenied() {
        // The path up to the mountpoint is open to everyone: only the daemon can say no.
        assertEquals(0, as(1001, "ls", "-d", mnt.getParent().toString()).exit(), "uid 1001 can reach the mountpoint's parent");
        Mounts.Result ls = as(1001, "ls", mnt.toString());
        assertNotEquals(0, ls.exit(), "uid 1001 listed the mount: " + ls);
        assertTrue(ls.err().contains("Permission denied"), ls.err());

        Mounts.Result cat = as(1001, "cat", mnt.resolve("tests/f").toString());
        assertNotEquals(0, cat.exit());
        assertTrue(cat.err().contains("Permission denied"), cat.err());
        assertFalse(cat.out().contains("content of f"));

        Mounts.Result touch = as(1001, "touch", mnt.resolve("tests/by-1001").toString());
        assertNotEquals(0, touch.exit());
        assertTrue(touch.err().contains("Permission denied"), touch.err());
        assertFalse(Files.exists(back.resolve("by-1001")));

        // Group membership is no way in either.
        Mounts.Result sameGid = Mounts.run(List.of("setpriv", "--reuid", "1002", "--regid", "1000", "--clear-groups",
                "ls", mnt.toString()), Duration.ofSeconds(20));
        assertNotEquals(0, sameGid.exit());
        assertTrue(sameGid.err().contains("Permission denied"), sameGid.err());
    }

    @Test
    void theSessionUid_works() {
        Mounts.Result ls = as(1000, "ls", mnt.toString());
        assertEquals(0, ls.exit(), ls.toString());
        assertEquals("tests", ls.out().trim());
        Mounts.Result cat = as(1000, "cat", mnt.resolve("tests/f").toString());
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals("content of f\n", cat.out());
        Mounts.Result write = as(1000, "sh", "-c", "echo by-1000 > " + mnt.resolve("tests/by-1000"));
        assertEquals(0, write.exit(), write.toString());
        Mounts.Result rm = as(1000, "rm", "-f", mnt.resolve("tests/by-1000").toString());
        assertNotEquals(0, rm.exit(), "edit may not delete");
        assertTrue(rm.err().contains("Permission denied"), rm.err());
        Mounts.Result ll = as(1000, "stat", "-c", "%u:%g %A", mnt.resolve("tests/by-1000").toString());
        assertEquals("1000:1000 -rw-r--r--", ll.out().trim(), ll.toString());
    }

    @Test
    void aTruncatingOpenNeedsTheOwnerWriteBit() throws IOException {
        Path f = mnt.resolve("tests/trunc-" + System.nanoTime());
        Files.writeString(f, "keep me\n");
        assertEquals(0, as(1000, "chmod", "444", f.toString()).exit());
        Mounts.Result trunc = as(1000, "sh", "-c", ": > " + f);
        assertNotEquals(0, trunc.exit(), trunc.toString());
        assertTrue(trunc.err().contains("Permission denied"), trunc.err());
        assertEquals("keep me\n", Files.readString(f));
        assertEquals(0, as(1000, "chmod", "644", f.toString()).exit());
        Mounts.Result over = as(1000, "sh", "-c", "echo new > " + f);
        assertEquals(0, over.exit(), over.toString());
        assertEquals("new\n", Files.readString(f));
    }

    @Test
    void root_works() {
        assertEquals(List.of("tests"), Px.list(mnt));
        Mounts.Result ls = Mounts.run(List.of("ls", mnt.resolve("tests").toString()), Duration.ofSeconds(20));
        assertEquals(0, ls.exit(), ls.toString());
        assertTrue(ls.out().contains("f"));
    }
}
