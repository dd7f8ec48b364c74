package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TreeRemover: any depth, any names, never through a symlink, never onto another filesystem. */
class TreeRemoverTest {
    @TempDir
    Path dir;

    private void assertOutsideIntact(Path outside) throws IOException {
        assertEquals("keep", Files.readString(outside.resolve("file")), "a symlink was followed");
        try (var s = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("file")), s.toList(), "a symlink was followed");
        }
    }

    @Test
    void aTreeDeeperThanPathMax_goesWhole_andNothingItPointsAtIsTouched() throws IOException {
        Path outside = DeepTree.outside(dir.resolve("outside"));
        Path trash = Files.createDirectory(dir.resolve("trash"));
        DeepTree.make(trash.resolve("t"), 300, outside);
        Files.writeString(trash.resolve("sibling"), "stays");
        int fds = DeepTree.openDescriptors();
        TreeRemover.remove(trash, "t");
        assertFalse(Files.exists(trash.resolve("t"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("stays", Files.readString(trash.resolve("sibling")));
        assertOutsideIntact(outside);
        assertEquals(fds, DeepTree.openDescriptors(), "descriptors left open");
    }

    @Test
    void wideDirectories_takeSeveralReads() throws IOException {
        Path top = Files.createDirectories(dir.resolve("trash/t"));
        for (int d = 0; d < 40; d++) {
            Path sub = Files.createDirectory(top.resolve("d" + d));
            for (int f = 0; f < 100; f++) Files.createFile(sub.resolve("a-rather-long-file-name-to-fill-buffers-" + f));
            Files.createFile(top.resolve("f" + d));
        }
        TreeRemover.remove(dir.resolve("trash"), "t");
        assertFalse(Files.exists(top, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTopThatIsASymlink_isRemovedAsItself_andAMissingOneIsNoFailure() throws IOException {
        Path outside = DeepTree.outside(dir.resolve("outside"));
        Path trash = Files.createDirectory(dir.resolve("trash"));
        Files.createSymbolicLink(trash.resolve("t"), outside);
        TreeRemover.remove(trash, "t");
        assertFalse(Files.exists(trash.resolve("t"), LinkOption.NOFOLLOW_LINKS));
        assertOutsideIntact(outside);
        TreeRemover.remove(trash, "t");
        IOException e = assertThrows(IOException.class, () -> TreeRemover.remove(trash, "a/b"));
        assertEquals("not a single path component: 'a/b'", e.getMessage());
    }

    /**
     * A filesystem mounted inside the tree is never entered: the walk stops there with one line
     * naming it, the mounted files stay, and so does every directory above it.
     */
    @Test
    void aMountPointInside_stopsTheWalk_withOneLine_andIsLeftAlone() throws Exception {
        Path trash = Files.createDirectory(dir.resolve("trash"));
        Path mnt = Files.createDirectories(trash.resolve("t/a/b/mnt"));
        Files.writeString(trash.resolve("t/a/file"), "x");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "cannot mount a tmpfs here (needs root)");
        try {
            Files.writeString(mnt.resolve("mounted"), "mine");
            IOException e = assertThrows(IOException.class, () -> TreeRemover.remove(trash, "t"));
            assertEquals("cannot remove " + trash + "/t/a/b/mnt: it is on another filesystem (a mount point?),"
                    + " which is left alone", e.getMessage());
            assertEquals("mine", Files.readString(mnt.resolve("mounted")));
            assertTrue(Files.isDirectory(trash.resolve("t/a/b")));
        } finally {
            Process u = new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start();
            assertTrue(u.waitFor(30, TimeUnit.SECONDS) && u.exitValue() == 0, "umount " + mnt);
        }
        TreeRemover.remove(trash, "t");
        assertFalse(Files.exists(trash.resolve("t"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void anEntryThatCannotBeRemoved_stopsTheWalk_withItsNameAndErrno() throws Exception {
        Path trash = Files.createDirectory(dir.resolve("trash"));
        Path stuck = Files.createDirectories(trash.resolve("t/a"));
        Files.writeString(stuck.resolve("immutable"), "x");
        Process p = new ProcessBuilder("chattr", "+i", stuck.resolve("immutable").toString()).redirectErrorStream(true).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "no immutable files here (needs root and a filesystem that has them)");
        try {
            IOException e = assertThrows(IOException.class, () -> TreeRemover.remove(trash, "t"));
            assertEquals("cannot remove " + trash + "/t/a/immutable: Operation not permitted (errno 1)", e.getMessage());
            assertEquals("x", Files.readString(stuck.resolve("immutable")));
        } finally {
            new ProcessBuilder("chattr", "-i", stuck.resolve("immutable").toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
        TreeRemover.remove(trash, "t");
        assertFalse(Files.exists(trash.resolve("t"), LinkOption.NOFOLLOW_LINKS));
    }
}
