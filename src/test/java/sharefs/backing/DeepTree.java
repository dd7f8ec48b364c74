package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Builds, with descriptor-relative calls, a directory tree whose joined paths are far longer than
 * PATH_MAX (which java.nio cannot make or walk), with symlinks at every level that point outside
 * it, and names that are not UTF-8. Shared by the tests of anything that removes trees.
 */
public final class DeepTree {
    /** 20 bytes, so 300 levels join to over 6,000 bytes: beyond PATH_MAX (4096). */
    public static final String LEVEL = "level-abcdefghijklmn";

    private static final LibC LIB = Native.libc();

    private DeepTree() {
    }

    /**
     * Makes dir (which must not exist) and depth levels of {@link #LEVEL} below it. Each level holds
     * a file, a file whose name is not UTF-8, a FIFO, a symlink to outside/file (absolute), one to
     * outside (relative, climbing out of the tree) and one to "/".
     */
    public static void make(Path dir, int depth, Path outside) throws IOException {
        Files.createDirectory(dir);
        int fd = LIB.openat(Flags.AT_FDCWD, LibC.cstr(dir.toString()), Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open " + dir + ": " + Errno.describe(Native.errno()));
        String climb = "../".repeat(depth + 2 + dir.getNameCount()) + outside.toString().substring(1);
        try {
            for (int i = 0; i < depth; i++) {
                file(fd, LibC.cstr("file"));
                file(fd, new byte[] {'b', 'a', 'd', (byte) 0xff, 0});
                check(LIB.mknodat(fd, LibC.cstr("fifo"), Flags.S_IFIFO | 0644, 0), "mkfifo");
                check(LIB.symlinkat(LibC.cstr(outside.resolve("file").toString()), fd, LibC.cstr("abs-link")), "symlink");
                check(LIB.symlinkat(LibC.cstr(climb), fd, LibC.cstr("rel-link")), "symlink");
                check(LIB.symlinkat(LibC.cstr("/"), fd, LibC.cstr("root-link")), "symlink");
                check(LIB.mkdirat(fd, LibC.cstr(LEVEL), 0755), "mkdir");
                int next = LIB.openat(fd, LibC.cstr(LEVEL), Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, 0);
                check(next, "open level " + i);
                LIB.close(fd);
                fd = next;
            }
        } finally {
            LIB.close(fd);
        }
    }

    /** The file outside a tree its symlinks point at; make() expects outside/file to exist. */
    public static Path outside(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("file"), "keep");
        return dir;
    }

    private static void file(int dirFd, byte[] name) {
        int fd = LIB.openat(dirFd, name, Flags.O_CREAT | Flags.O_EXCL | Flags.O_WRONLY | Flags.O_CLOEXEC, 0644);
        check(fd, "create " + new String(Arrays.copyOf(name, name.length - 1), StandardCharsets.ISO_8859_1));
        LIB.close(fd);
    }

    private static void check(int rc, String what) {
        assertTrue(rc >= 0, what + ": " + Errno.describe(Native.errno()));
    }

    /** Descriptors this process holds open now. */
    public static int openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
