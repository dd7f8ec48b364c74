package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** Small native-memory helpers shared by the tests. */
final class TestSupport {
    private TestSupport() {}

    static Pointer mem(int size) {
        return Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Native.libc()), size);
    }

    static Pointer bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = mem(Math.max(1, b.length));
        p.put(0, b, 0, b.length);
        return p;
    }

    static String string(Pointer p, int len) {
        byte[] b = new byte[len];
        p.get(0, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads up to 4 KiB from the start of fd. */
    static String readAll(int fd) {
        Pointer buf = mem(4096);
        int n = FileOps.pread(fd, buf, 4096, 0);
        assertTrue(n >= 0, "pread " + n);
        return string(buf, n);
    }

    /** Gets one directory entry; false stops the listing. */
    interface Entry {
        boolean accept(String name, int dType);
    }

    /**
     * Lists rel the way opendir and readdir do (FolderRoot.openDir, then a DirStream), "." and
     * ".." left out; 0 when listed to the end or stopped, else -errno.
     */
    static int list(FolderRoot root, String rel, Entry entry) {
        int fd = root.openDir(rel);
        if (fd < 0) return fd;
        try (DirStream d = new DirStream(fd)) {
            return d.read(0, (name, type, ino, next) -> name.equals(".") || name.equals("..") || entry.accept(name, type));
        }
    }

    static List<String> names(FolderRoot root, String rel) {
        List<String> out = new ArrayList<>();
        int rc = list(root, rel, (name, type) -> out.add(name));
        assertTrue(rc == 0, "list " + rel + " -> " + rc);
        out.sort(null);
        return out;
    }

    /** Removes symlinks below dir so JUnit's temp-dir cleanup has nothing to warn about. */
    static void removeSymlinks(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) s::iterator) {
                if (java.nio.file.Files.isSymbolicLink(p)) java.nio.file.Files.delete(p);
            }
        }
    }

    static int type(int mode) {
        return mode & Flags.S_IFMT;
    }
}
