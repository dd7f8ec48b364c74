package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import sharefs.backing.Errno;

/**
 * A mount holds at most FsLimits' open files and open directories: one more open, create or
 * opendir is ENFILE and opens nothing; closing one frees its slot; an open that fails for any
 * reason, an exception included, takes no slot and leaves no descriptor behind.
 */
@Timeout(120)
class OpenLimitsTest {
    static final String B = "b@x.io";
    static final int FILES = 8, DIRS = 4;

    @TempDir
    static Path tmp;
    static Mounts env;
    static HandMount m;
    static Path back;
    static Path folder;
    final List<Integer> held = new ArrayList<>();

    @BeforeAll
    static void mountB() throws IOException {
        env = new Mounts(tmp);
        env.user(B);
        env.folder(B, "tests");
        back = env.backing(B, "tests");
        for (int i = 0; i <= FILES + 1; i++) Files.writeString(back.resolve("f" + i), "file " + i);
        for (int i = 0; i <= DIRS + 1; i++) Files.createDirectory(back.resolve("d" + i));
        Files.writeString(back.resolve("secret"), "no");
        Files.setPosixFilePermissions(back.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.createDirectory(back.resolve("noread"));
        Files.setPosixFilePermissions(back.resolve("noread"), PosixFilePermissions.fromString("-wx------"));
        assertEquals(0, Px.mknod(back.resolve("pipe"), Px.S_IFIFO | 0644, 0));
        m = HandMount.of(env, B, "b", new FsLimits(FILES, DIRS), 0.5);
        folder = m.mnt.resolve("tests");
    }

    @AfterAll
    static void unmount() {
        if (m != null) m.close();
        if (env != null) env.close();
    }

    @AfterEach
    void closeHeld() {
        for (int fd : held) Px.close(fd);
        held.clear();
        // The kernel sends RELEASE and RELEASEDIR after close(2) has returned.
        Mounts.eventually("every handle released", () -> m.fs.openFileCount() == 0 && m.fs.openDirCount() == 0);
    }

    private int hold(Path p, int flags) {
        int fd = Px.open(p, flags, 0644);
        if (fd >= 0) held.add(fd);
        return fd;
    }

    private void closeOne() {
        Px.close(held.remove(held.size() - 1));
    }

    /** A fuse_file_info too short for the handle: storing it throws, after the descriptor was opened. */
    private static FuseFileInfo brokenFileInfo(int flags) {
        FuseFileInfo fi = FuseFileInfo.of(Memory.allocate(jnr.ffi.Runtime.getSystemRuntime(), 8));
        fi.flags.set(flags);
        return fi;
    }

    private static Mounts.Result asSession(String script, String path) {
        return Mounts.run(List.of("setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups",
                "sh", "-c", script, "sh", path), Duration.ofSeconds(60));
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    @Test
    void files_oneOverTheCapIsENFILE_closingOneFreesASlot() {
        for (int i = 0; i < FILES; i++) assertTrue(hold(folder.resolve("f" + i), O_RDONLY) >= 0, "open f" + i);
        assertEquals(FILES, m.fs.openFileCount());
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("f" + FILES), O_RDONLY))));
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("f0"), O_RDWR))));
        // A create beyond the cap makes nothing.
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("new"), O_CREAT | O_WRONLY))));
        assertFalse(Files.exists(back.resolve("new")));
        assertEquals(-Errno.ENFILE, m.fs.open("/tests/f1", HandMount.fileInfo(O_RDONLY)));
        assertEquals(FILES, m.fs.openFileCount());

        closeOne();
        Mounts.eventually("the slot is free again", () -> m.fs.openFileCount() == FILES - 1);
        assertTrue(hold(folder.resolve("f" + FILES), O_RDONLY) >= 0, "an open once a slot is free");
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("f" + (FILES + 1)), O_RDONLY))));
    }

    @Test
    void failedOpens_takeNoSlot_andLeaveNoDescriptor() throws IOException {
        try {
            for (int i = 0; i < FILES + 1; i++) {
                assertEquals(-Errno.ESTALE, (int) assertTimeoutPreemptively(FifoSwapTest.PROMPTLY,
                        () -> m.fs.open("/tests/pipe", HandMount.fileInfo(O_RDONLY))));
            }
        } finally {
            FifoSwapTest.wakeOpeners(back.resolve("pipe"));
        }
        for (int i = 0; i < FILES + 1; i++) {
            assertEquals(-Errno.ENOENT, m.fs.open("/tests/missing", HandMount.fileInfo(O_RDONLY)));
            assertEquals(-Errno.ENOENT, m.fs.create("/tests/no-dir/new", 0644, HandMount.fileInfo(O_CREAT | O_WRONLY)));
            // The descriptor was opened, then storing its handle failed: EIO, and it is closed again.
            assertEquals(-Errno.EIO, m.fs.open("/tests/f" + FILES, brokenFileInfo(O_RDONLY)));
            assertEquals(-Errno.EIO, m.fs.create("/tests/made", 0644, brokenFileInfo(O_CREAT | O_RDWR)));
        }
        assertEquals(0, ReaddirStreamingTest.fdsOn(back.resolve("f" + FILES)));
        assertEquals(0, ReaddirStreamingTest.fdsOn(back.resolve("made")));
        // The session's uid is refused by the owner bits, the daemon's own check.
        Mounts.Result denied = asSession("for i in $(seq 20); do cat \"$1\"; done", folder.resolve("secret").toString());
        assertEquals(20, count(denied.err(), "Permission denied"), denied.toString());
        assertEquals(0, m.fs.openFileCount());

        for (int i = 0; i < FILES; i++) assertTrue(hold(folder.resolve("f" + i), O_RDONLY) >= 0, "open f" + i);
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("f" + FILES), O_RDONLY))));
    }

    @Test
    void dirs_oneOverTheCapIsENFILE_theViewRootCounts_closingOneFreesASlot() {
        for (int i = 0; i < DIRS; i++) assertTrue(hold(folder.resolve("d" + i), O_RDONLY | O_DIRECTORY) >= 0, "opendir d" + i);
        assertEquals(DIRS, m.fs.openDirCount());
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("d" + DIRS), O_RDONLY | O_DIRECTORY))));
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(m.mnt, O_RDONLY | O_DIRECTORY))));
        int[] err = new int[1];
        assertEquals(null, Px.list(folder, err));
        assertEquals(Px.name(Errno.ENFILE), Px.name(err[0]));
        assertEquals(-Errno.ENFILE, m.fs.opendir("/", HandMount.fileInfo(O_RDONLY)));
        assertEquals(DIRS, m.fs.openDirCount());
        // Files have a cap of their own.
        assertTrue(hold(folder.resolve("f0"), O_RDONLY) >= 0);

        closeOne();
        closeOne();
        Mounts.eventually("the slot is free again", () -> m.fs.openDirCount() == DIRS - 1);
        assertTrue(hold(m.mnt, O_RDONLY | O_DIRECTORY) >= 0, "the view root once a slot is free");
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("d" + DIRS), O_RDONLY | O_DIRECTORY))));
    }

    @Test
    void failedOpendirs_takeNoSlot_andLeaveNoDescriptor() throws IOException {
        Files.createSymbolicLink(back.resolve("link"), Path.of("d0"));
        try {
            for (int i = 0; i < DIRS + 1; i++) {
                assertEquals(-Errno.ENOENT, m.fs.opendir("/tests/missing", HandMount.fileInfo(O_RDONLY)));
                assertEquals(-Errno.ENOENT, m.fs.opendir("/nofolder", HandMount.fileInfo(O_RDONLY)));
                assertEquals(-Errno.ENOTDIR, m.fs.opendir("/tests/f0", HandMount.fileInfo(O_RDONLY)));
                // O_DIRECTORY|O_NOFOLLOW on the symlink itself: ENOTDIR whichever way the path is resolved.
                assertEquals(-Errno.ENOTDIR, m.fs.opendir("/tests/link", HandMount.fileInfo(O_RDONLY)), "opendir of a symlink");
                assertEquals(-Errno.EIO, m.fs.opendir("/tests/d" + DIRS, brokenFileInfo(O_RDONLY)));
                assertEquals(-Errno.EIO, m.fs.opendir("/", brokenFileInfo(O_RDONLY)));
            }
        } finally {
            Files.delete(back.resolve("link"));
        }
        assertEquals(0, ReaddirStreamingTest.fdsOn(back.resolve("d" + DIRS)));
        Mounts.Result denied = asSession("for i in $(seq 20); do ls \"$1\"; done", folder.resolve("noread").toString());
        assertEquals(20, count(denied.err(), "Permission denied"), denied.toString());
        Mounts.Result stranger = Mounts.run(List.of("setpriv", "--reuid", "1001", "--regid", "1001", "--clear-groups",
                "ls", m.mnt.toString()), Duration.ofSeconds(60));
        assertTrue(stranger.err().contains("Permission denied"), stranger.toString());
        assertEquals(0, m.fs.openDirCount());

        for (int i = 0; i < DIRS; i++) assertTrue(hold(folder.resolve("d" + i), O_RDONLY | O_DIRECTORY) >= 0, "opendir d" + i);
        assertEquals(Px.name(Errno.ENFILE), Px.name(Px.errno(hold(folder.resolve("d" + DIRS), O_RDONLY | O_DIRECTORY))));
    }
}
