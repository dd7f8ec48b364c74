package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Errno.EBADF;
import static sharefs.backing.Errno.ENOENT;
import static sharefs.backing.Errno.ENOTDIR;
import static sharefs.backing.Flags.DT_DIR;
import static sharefs.backing.Flags.DT_REG;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DirStream: a directory listed in pieces, each resumable exactly at the cookie of the last entry taken. */
class DirStreamTest {
    static final int N = 3_000;

    @TempDir
    static Path dir;
    static FolderRoot root;
    static Set<String> names;

    record Entry(String name, int type, long ino, long next) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d"));
        names = new TreeSet<>(List.of(".", "..", "sub"));
        Files.createDirectory(d.resolve("sub"));
        for (int i = 0; i < N; i++) {
            String n = "n" + i + "-" + "y".repeat(i % 53);
            Files.createFile(d.resolve(n));
            names.add(n);
        }
        root = FolderRoot.open(dir);
    }

    @AfterAll
    static void tearDown() throws IOException {
        root.close();
        TestSupport.removeSymlinks(dir);
    }

    private static DirStream open(String rel) {
        int fd = root.openDir(rel);
        assertTrue(fd >= 0, "openDir " + rel + ": " + fd);
        return new DirStream(fd);
    }

    /** Reads from offset taking at most room entries. */
    private static List<Entry> take(DirStream s, long offset, int room) {
        List<Entry> out = new ArrayList<>();
        assertEquals(0, s.read(offset, (name, type, ino, next) -> {
            if (out.size() == room) return false;
            out.add(new Entry(name, type, ino, next));
            return true;
        }));
        return out;
    }

    private static List<Entry> all(DirStream s, int room) {
        List<Entry> out = new ArrayList<>();
        long offset = 0;
        for (;;) {
            List<Entry> got = take(s, offset, room);
            if (got.isEmpty()) return out;
            out.addAll(got);
            offset = got.get(got.size() - 1).next();
        }
    }

    private static void assertEachOnce(List<Entry> got) {
        List<String> listed = got.stream().map(Entry::name).toList();
        assertEquals(listed.size(), new HashSet<>(listed).size(), "a name came twice");
        assertEquals(names, new TreeSet<>(listed));
    }

    @Test
    void resumingAtTheLastCookie_listsEveryEntryOnce_whateverThePieceSize() {
        for (int room : new int[] {1, 7, 64, 1000, Integer.MAX_VALUE}) {
            try (DirStream s = open("d")) {
                List<Entry> got = all(s, room);
                assertEachOnce(got);
                for (Entry e : got) assertNotEquals(0, e.next(), e.name());
            }
        }
    }

    @Test
    void typesAndInodesComeWithEachEntry() throws IOException {
        try (DirStream s = open("d")) {
            for (Entry e : all(s, 100)) {
                if (e.name().equals("sub")) assertEquals(DT_DIR, e.type());
                else if (e.name().startsWith("n")) assertEquals(DT_REG, e.type());
                if (e.name().equals("n5-yyyyy")) {
                    assertEquals((long) Files.getAttribute(dir.resolve("d/n5-yyyyy"), "unix:ino"), e.ino());
                }
            }
        }
    }

    @Test
    void anEarlierCookie_seeksBack_zeroRewinds() {
        try (DirStream s = open("d")) {
            List<Entry> whole = all(s, 50);
            List<Entry> again = take(s, whole.get(999).next(), 10);
            assertEquals(whole.subList(1000, 1010), again);
            // Resuming where that stopped goes on from the buffer, not from where getdents got to.
            assertEquals(whole.subList(1010, 1020), take(s, again.get(9).next(), 10));
            assertEquals(whole.subList(0, 5), take(s, 0, 5));
            // A reader that refuses at once takes nothing and loses nothing.
            assertEquals(List.of(), take(s, whole.get(4).next(), 0));
            assertEquals(whole.subList(5, 8), take(s, whole.get(4).next(), 3));
        }
    }

    @Test
    void entriesMadeAfterTheEnd_showOnTheNextListing() throws IOException {
        Files.createDirectory(dir.resolve("grows"));
        Files.createFile(dir.resolve("grows/early"));
        try (DirStream s = open("grows")) {
            List<Entry> whole = all(s, 1);
            assertEquals(List.of(), take(s, whole.get(whole.size() - 1).next(), 10));
            Files.createFile(dir.resolve("grows/late"));
            assertEquals(Set.of(".", "..", "early", "late"), new TreeSet<>(all(s, 1).stream().map(Entry::name).toList()));
        }
    }

    @Test
    void openDir_neverFollowsASymlink_andWantsADirectory() throws IOException {
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("d"));
        // O_DIRECTORY|O_NOFOLLOW on the symlink itself: ENOTDIR whichever way the path is resolved.
        assertEquals(-ENOTDIR, root.openDir("link"), "openDir of a symlink");
        assertEquals(-ENOTDIR, root.openDir("d/n1-y"));
        assertEquals(-ENOENT, root.openDir("nope"));
        try (DirStream s = open("")) {
            assertTrue(all(s, 2).stream().map(Entry::name).toList().containsAll(List.of(".", "..", "d", "link")));
        }
    }

    /**
     * A name that is not UTF-8 is skipped and told to the handler as its bytes; the listing around
     * it resumes at every cookie as if it were not there, and names holding U+FFFD are listed.
     */
    @Test
    void namesThatAreNotUtf8_areSkipped_andToldAsTheirBytes() throws IOException {
        Path d = Files.createDirectory(dir.resolve("mixed"));
        Set<String> valid = new TreeSet<>(List.of(".", ".."));
        Set<String> invalid = new TreeSet<>();
        LibC lib = Native.libc();
        for (int i = 0; i < 300; i++) {
            String n = "ok" + i + (i % 10 == 0 ? "\uFFFD" : "");
            Files.createFile(d.resolve(n));
            valid.add(n);
            byte[] bad = ("bad" + i + "-").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            bad = java.util.Arrays.copyOf(bad, bad.length + 2);
            bad[bad.length - 2] = (byte) (0xf8 + i % 8); // never a lead byte
            byte[] path = LibC.cstr(d + "/");
            byte[] full = java.util.Arrays.copyOf(path, path.length - 1 + bad.length);
            System.arraycopy(bad, 0, full, path.length - 1, bad.length);
            int fd = lib.openat(Flags.AT_FDCWD, full, Flags.O_CREAT | Flags.O_WRONLY | Flags.O_CLOEXEC, 0644);
            assertTrue(fd >= 0, "create " + Utf8.escaped(bad) + ": " + Errno.describe(Native.errno()));
            lib.close(fd);
            invalid.add(Utf8.escaped(java.util.Arrays.copyOf(bad, bad.length - 1)));
        }
        for (int room : new int[] {1, 7, Integer.MAX_VALUE}) {
            List<String> told = new ArrayList<>();
            int fd = root.openDir("mixed");
            assertTrue(fd >= 0, "openDir: " + fd);
            try (DirStream s = new DirStream(fd, b -> told.add(Utf8.escaped(b)))) {
                List<Entry> got = all(s, room);
                List<String> listed = got.stream().map(Entry::name).toList();
                assertEquals(listed.size(), new HashSet<>(listed).size(), "a name came twice");
                assertEquals(valid, new TreeSet<>(listed), "room " + room);
                assertEquals(told.size(), new HashSet<>(told).size(), "a skipped name was told twice");
                assertEquals(invalid, new TreeSet<>(told), "room " + room);
            }
        }
    }

    @Test
    void afterClose_readsAreEBADF() {
        DirStream s = open("d");
        s.close();
        s.close();
        assertEquals(-EBADF, s.read(0, (name, type, ino, next) -> true));
    }
}
