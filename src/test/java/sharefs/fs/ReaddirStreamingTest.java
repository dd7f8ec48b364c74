package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CLOEXEC;
import static sharefs.backing.Flags.O_DIRECTORY;
import static sharefs.backing.Flags.O_RDONLY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import sharefs.backing.Errno;
import sharefs.sharing.Permission;

/**
 * readdir streams a directory with real offsets: each entry goes to libfuse with the backing
 * directory's cookie for the next one, a listing stops where libfuse's buffer is full and
 * resumes exactly after the last entry taken, so libfuse 2 never holds more than one request's
 * worth of a directory per open handle. The view root counts its own offsets over a snapshot.
 */
@Timeout(120)
class ReaddirStreamingTest {
    static final String A = "a@x.io", B = "b@x.io";
    static final int BIG = 5_000;

    @TempDir
    static Path tmp;
    static Mounts env;
    static HandMount m;
    static Path back;
    static Set<String> bigNames;

    @BeforeAll
    static void mountB() throws IOException {
        env = new Mounts(tmp);
        env.user(A);
        env.user(B);
        env.folder(B, "tests");
        env.folder(A, "shared");
        env.share(A, "shared", B, Permission.VIEW);
        back = env.backing(B, "tests");
        Path big = Files.createDirectory(back.resolve("big"));
        bigNames = new TreeSet<>();
        for (int i = 0; i < BIG; i++) {
            // Names of many lengths, so records and buffer boundaries fall everywhere.
            String name = "entry-" + i + "-" + "x".repeat(i % 37);
            Files.createFile(big.resolve(name));
            bigNames.add(name);
        }
        Files.createDirectory(big.resolve("sub"));
        bigNames.add("sub");
        Files.writeString(env.backing(A, "shared").resolve("s"), "s");
        m = HandMount.of(env, B, "b", FsLimits.DEFAULT, 0.5);
    }

    @AfterAll
    static void unmount() {
        if (m != null) m.close();
        if (env != null) env.close();
    }

    /** One filler call as readdir made it. */
    record Call(String name, Pointer stat, long offset, boolean taken) {
    }

    /** A filler with room for a fixed number of entries; then it answers "full" (1), as libfuse does. */
    static final class Room implements FuseFillDir {
        final List<Call> calls = new ArrayList<>();
        int room;

        Room(int room) {
            this.room = room;
        }

        @Override
        public int apply(Pointer buf, ByteBuffer name, Pointer stbuf, long off) {
            boolean take = room > 0;
            if (take) room--;
            calls.add(new Call(text(name), stbuf, off, take));
            return take ? 0 : 1;
        }

        List<Call> taken() {
            return calls.stream().filter(Call::taken).toList();
        }
    }

    /**
     * libfuse 2's fill_dir for one READDIR request of size bytes: with an offset it adds a
     * dirent and says full (1) when the next one would not fit; with offset 0 it grows its
     * buffer for as long as it is fed (the whole directory, per open handle).
     */
    static final class LibfuseRequest implements FuseFillDir {
        final int size;
        int bytes;
        final List<Call> taken = new ArrayList<>();

        LibfuseRequest(int size) {
            this.size = size;
        }

        @Override
        public int apply(Pointer buf, ByteBuffer name, Pointer stbuf, long off) {
            String n = text(name);
            // struct fuse_dirent: ino, off, namelen, type (24 bytes), the name, padded to 8.
            int need = (24 + n.getBytes(StandardCharsets.UTF_8).length + 7) & ~7;
            if (off != 0 && bytes + need > size) return 1;
            bytes += need;
            taken.add(new Call(n, stbuf, off, true));
            return 0;
        }
    }

    static String text(ByteBuffer name) {
        byte[] b = new byte[name.remaining()];
        name.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long opendir(String path) {
        FuseFileInfo fi = HandMount.fileInfo(O_RDONLY);
        assertEquals(0, m.fs.opendir(path, fi), "opendir " + path);
        return fi.fh.get();
    }

    private static int readdir(String path, long handle, FuseFillDir filler, long offset) {
        FuseFileInfo fi = HandMount.fileInfo(O_RDONLY);
        fi.fh.set(handle);
        return m.fs.readdir(path, null, filler, offset, fi);
    }

    private static void releasedir(String path, long handle) {
        FuseFileInfo fi = HandMount.fileInfo(O_RDONLY);
        fi.fh.set(handle);
        assertEquals(0, m.fs.releasedir(path, fi));
    }

    /** Lists a directory through repeated readdir calls of room entries each, resuming at the last offset taken. */
    private static List<Call> listInSteps(String path, long h, int room) {
        List<Call> all = new ArrayList<>();
        long offset = 0;
        for (int calls = 0; calls < 100_000; calls++) {
            Room r = new Room(room);
            assertEquals(0, readdir(path, h, r, offset));
            List<Call> taken = r.taken();
            if (taken.isEmpty()) return all;
            all.addAll(taken);
            long last = taken.get(taken.size() - 1).offset();
            assertNotEquals(0, last, "a listing cannot resume from offset 0");
            offset = last;
        }
        throw new AssertionError("the listing of " + path + " never ended");
    }

    private static void assertExactlyOnce(Set<String> expected, List<Call> got) {
        List<String> names = got.stream().map(Call::name).toList();
        Set<String> seen = new HashSet<>();
        List<String> dups = names.stream().filter(n -> !seen.add(n)).toList();
        assertEquals(List.of(), dups, "names listed twice");
        assertEquals(expected, new TreeSet<>(names));
    }

    private static Set<String> withDots(Set<String> names) {
        Set<String> s = new TreeSet<>(names);
        s.add(".");
        s.add("..");
        return s;
    }

    @Test
    void fullFiller_stopsThere_everyOffsetReal_andResumingListsEachNameOnce() {
        long h = opendir("/tests/big");
        try {
            Room first = new Room(37);
            assertEquals(0, readdir("/tests/big", h, first, 0));
            assertEquals(38, first.calls.size(), "37 taken, one refused, then nothing more");
            assertFalse(first.calls.get(37).taken());
            for (Call c : first.calls) assertNotEquals(0, c.offset(), "offset of " + c.name());

            // Resuming at the last offset taken goes on with the refused entry, exactly.
            Room second = new Room(5);
            assertEquals(0, readdir("/tests/big", h, second, first.calls.get(36).offset()));
            assertEquals(first.calls.get(37).name(), second.calls.get(0).name());

            // Rewinding (offset 0) starts the listing again: the same first entries.
            Room again = new Room(37);
            assertEquals(0, readdir("/tests/big", h, again, 0));
            assertEquals(first.calls.stream().map(Call::name).toList(), again.calls.stream().map(Call::name).toList());

            List<Call> all = listInSteps("/tests/big", h, 37);
            assertExactlyOnce(withDots(bigNames), all);
            for (Call c : all) {
                assertNotEquals(0, c.offset(), "offset of " + c.name());
                if (c.name().equals(".") || c.name().equals("..")) {
                    assertNull(c.stat(), "the dot entries go without a stat");
                } else {
                    assertTrue(c.stat() != null, "type and inode of " + c.name());
                }
            }
        } finally {
            releasedir("/tests/big", h);
        }
    }

    @Test
    void entriesCarryTypeAndInode() throws IOException {
        long subIno = (long) Files.getAttribute(back.resolve("big/sub"), "unix:ino");
        long fileIno = (long) Files.getAttribute(back.resolve("big/entry-1-x"), "unix:ino");
        List<String> checked = new ArrayList<>();
        long h = opendir("/tests/big");
        try {
            Room r = new Room(Integer.MAX_VALUE);
            // The stat handed over is read during the call: the next call may reuse its memory.
            FuseFillDir reading = (buf, name, stbuf, off) -> {
                String n = text(name);
                if (n.equals("sub") || n.equals("entry-1-x")) {
                    FileStat st = FileStat.of(stbuf);
                    assertEquals(n.equals("sub") ? subIno : fileIno, st.st_ino.longValue(), n);
                    assertEquals(n.equals("sub") ? FileStat.S_IFDIR : FileStat.S_IFREG, st.st_mode.intValue() & FileStat.S_IFMT, n);
                    checked.add(n);
                }
                return r.apply(buf, name, stbuf, off);
            };
            assertEquals(0, readdir("/tests/big", h, reading, 0));
            assertExactlyOnce(withDots(bigNames), r.calls);
            assertEquals(Set.of("sub", "entry-1-x"), new TreeSet<>(checked));
        } finally {
            releasedir("/tests/big", h);
        }
    }

    @Test
    void resumingAtAnEarlierOffset_seeksBack_andListsTheSameTail() {
        long h = opendir("/tests/big");
        try {
            List<Call> all = listInSteps("/tests/big", h, 100);
            int from = 1234;
            Room r = new Room(50);
            assertEquals(0, readdir("/tests/big", h, r, all.get(from - 1).offset()));
            assertEquals(all.subList(from, from + 50).stream().map(Call::name).toList(),
                    r.taken().stream().map(Call::name).toList());
        } finally {
            releasedir("/tests/big", h);
        }
    }

    @Test
    void libfuseIsNeverHandedTheWholeDirectoryInOneRequest() {
        long h = opendir("/tests/big");
        try {
            List<Call> all = new ArrayList<>();
            long offset = 0;
            int requests = 0;
            for (;;) {
                LibfuseRequest req = new LibfuseRequest(4096);
                assertEquals(0, readdir("/tests/big", h, req, offset));
                if (req.taken.isEmpty()) break;
                assertTrue(req.bytes <= 4096, "request " + requests + " buffered " + req.bytes + " bytes ("
                        + req.taken.size() + " entries) in libfuse");
                all.addAll(req.taken);
                offset = req.taken.get(req.taken.size() - 1).offset();
                assertTrue(++requests < 10_000, "the listing never ended");
            }
            assertTrue(requests > 1, "one request held the whole directory");
            assertExactlyOnce(withDots(bigNames), all);
        } finally {
            releasedir("/tests/big", h);
        }
    }

    @Test
    void viewRoot_offsetsCountAnEntrySnapshot_rewindTakesANewOne() {
        long h = opendir("/");
        try {
            Room r = new Room(3);
            assertEquals(0, readdir("/", h, r, 0));
            List<String> first = r.taken().stream().map(Call::name).toList();
            assertEquals(List.of(".", ".."), first.subList(0, 2));
            assertTrue(Set.of("tests", "shared").contains(first.get(2)), first.toString());
            assertEquals(List.of(1L, 2L, 3L), r.taken().stream().map(Call::offset).toList());
            String rest = first.get(2).equals("tests") ? "shared" : "tests";

            // A folder that appears mid-listing is not part of this listing ...
            env.folder(B, "later");
            m.reload();
            Room tail = new Room(10);
            assertEquals(0, readdir("/", h, tail, 3));
            assertEquals(List.of(rest), tail.taken().stream().map(Call::name).toList());
            assertEquals(List.of(4L), tail.taken().stream().map(Call::offset).toList());
            for (Call c : tail.calls) assertNull(c.stat());

            // ... and is in the next one.
            Room rewound = new Room(10);
            assertEquals(0, readdir("/", h, rewound, 0));
            assertEquals(Set.of(".", "..", "tests", "shared", "later"), new TreeSet<>(rewound.taken().stream().map(Call::name).toList()));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rewound.taken().stream().map(Call::offset).toList());
        } finally {
            releasedir("/", h);
        }
    }

    @Test
    void folderLeftTheView_openHandleListsNoMore_EACCES() {
        env.user("c@x.io");
        env.folder("c@x.io", "gone");
        env.share("c@x.io", "gone", B, Permission.EDIT);
        m.reload();
        long h = opendir("/gone");
        try {
            Room r = new Room(1);
            assertEquals(0, readdir("/gone", h, r, 0));
            assertEquals(1, r.taken().size());
            env.sharing.shares().revoke("c@x.io", "gone", B);
            m.reload();
            Room after = new Room(10);
            assertEquals(-Errno.EACCES, readdir("/gone", h, after, r.taken().get(0).offset()));
            assertEquals(-Errno.EACCES, readdir("/gone", h, after, 0));
            assertEquals(List.of(), after.calls);
        } finally {
            releasedir("/gone", h);
        }
    }

    @Test
    void releasedir_closesTheDirectory_andForgetsTheHandle() throws IOException {
        // The kernel sends RELEASEDIR of the listings of other tests after their close(2) returned.
        Mounts.eventually("no directory left open", () -> m.fs.openDirCount() == 0);
        long h = opendir("/tests/big");
        assertEquals(1, m.fs.openDirCount());
        assertTrue(fdsOn(back.resolve("big")) >= 1, "opendir holds the backing directory open");
        releasedir("/tests/big", h);
        assertEquals(0, m.fs.openDirCount());
        assertEquals(0, fdsOn(back.resolve("big")), "releasedir closed it");
        assertEquals(-Errno.EBADF, readdir("/tests/big", h, new Room(10), 0));
    }

    /** How many of this process's descriptors are open on dir. */
    static int fdsOn(Path dir) throws IOException {
        int n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(dir)) n++;
                } catch (IOException gone) {
                    // Closed while we looked.
                }
            }
        }
        return n;
    }

    // --- through the mount -------------------------------------------------------------------

    @Test
    void mounted_listingAThousandsEntryDirectory_givesExactlyItsNames() {
        assertEquals(new ArrayList<>(bigNames), Px.list(m.mnt.resolve("tests/big")));
        Mounts.Result ls = Mounts.run(List.of("ls", "-f", m.mnt.resolve("tests/big").toString()), Duration.ofSeconds(60));
        assertEquals(0, ls.exit(), ls.err());
        List<String> lines = ls.out().lines().toList();
        assertEquals(lines.size(), new HashSet<>(lines).size(), "ls -f listed a name twice");
        assertEquals(withDots(bigNames), new TreeSet<>(lines));
    }

    @Test
    void mounted_rewinddirAndSeekdir_listAgainExactly() {
        int fd = FdSys.S.openat(-100, Px.c(m.mnt.resolve("tests/big")), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open: errno " + FdSys.errno());
        try {
            // A small buffer: several READDIR requests, then a rewind in the middle of the listing.
            List<long[]> partial = new ArrayList<>();
            List<String> partialNames = new ArrayList<>();
            for (int i = 0; i < 3; i++) read(fd, 1024, partialNames, partial);
            assertFalse(partialNames.isEmpty());
            assertEquals(0, FdSys.S.lseek(fd, 0, FdSys.SEEK_SET));
            List<String> names = new ArrayList<>();
            List<long[]> offsets = new ArrayList<>();
            while (read(fd, 1024, names, offsets) > 0) {
                // to the end
            }
            assertEquals(names.size(), new HashSet<>(names).size(), "a name listed twice");
            assertEquals(withDots(bigNames), new TreeSet<>(names));
            assertEquals(partialNames, names.subList(0, partialNames.size()), "the rewind started from the top");

            // seekdir to an offset telldir gave: the same tail again.
            int from = 2500;
            assertEquals(offsets.get(from - 1)[0], FdSys.S.lseek(fd, offsets.get(from - 1)[0], FdSys.SEEK_SET));
            List<String> tail = new ArrayList<>();
            while (read(fd, 1024, tail, new ArrayList<>()) > 0) {
                // to the end
            }
            assertEquals(names.subList(from, names.size()), tail);
        } finally {
            FdSys.S.close(fd);
        }
    }

    /** One getdents64 call: appends names and each entry's d_off; returns the bytes read. */
    private static long read(int fd, int size, List<String> names, List<long[]> offsets) {
        byte[] buf = new byte[size];
        long n = FdSys.S.getdents64(fd, buf, size);
        assertTrue(n >= 0, "getdents64: errno " + FdSys.errno());
        ByteBuffer b = ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < n; ) {
            int reclen = b.getShort(off + 16) & 0xffff;
            int end = off + 19;
            while (end < off + reclen && buf[end] != 0) end++;
            names.add(new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8));
            offsets.add(new long[] {b.getLong(off + 8)});
            off += reclen;
        }
        return n;
    }
}
