package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.ENOENT;
import static sharefs.fs.Px.EROFS;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.backing.FolderRoot;
import sharefs.sharing.Permission;

/**
 * Passthrough on the kernel engine, on real mounts of one user's view under each
 * `--passthrough` mode: which opens the kernel serves from the backing file (the daemon then
 * sees no READ or WRITE for them, counted by the filesystem), which stay on the daemon path,
 * and what a kick-out or a downgrade does to descriptors of either kind. Every mount aborts its
 * connection past its deadline.
 */
class KernelPassthroughTest {
    static final String ME = "me@x.io", OTHER = "other@x.io";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;
    static Mounts env;
    static KernelViewMount owned, reads, off, reserve;

    @BeforeAll
    static void mountAll() throws IOException {
        env = new Mounts(tmp);
        env.user(ME);
        env.user(OTHER);
        env.folder(ME, "mine");
        for (String f : List.of("shared", "kick", "down", "down2")) env.folder(OTHER, f);
        env.share(OTHER, "shared", ME, Permission.EDIT_DELETE);
        env.share(OTHER, "kick", ME, Permission.VIEW);
        env.share(OTHER, "down", ME, Permission.EDIT_DELETE);
        env.share(OTHER, "down2", ME, Permission.EDIT_DELETE);
        owned = mount("owned", Passthrough.OWNED, Lent.nothing());
        reads = mount("reads", Passthrough.READS, Lent.nothing());
        off = mount("off", Passthrough.OFF, Lent.nothing());
        // A reserve of one byte: every write passes it, but there is one to defend.
        Lent guarded = new Lent(new DescriptorPool(Long.MAX_VALUE / 4).open(0),
                new SpaceGuard(FolderRoot.open(env.home.storage()), 1));
        reserve = mount("reserve", Passthrough.OWNED, guarded);
    }

    static KernelViewMount mount(String name, Passthrough pt, Lent lent) throws IOException {
        return KernelViewMount.mount(env, ME, env.mountPoint(name), DEADLINE, FsLimits.DEFAULT, lent, pt);
    }

    @AfterAll
    static void unmountAll() {
        for (KernelViewMount m : new KernelViewMount[] {owned, reads, off, reserve}) {
            if (m != null) m.close();
        }
        if (env != null) env.close();
    }

    static void errno(int expected, String what, IntSupplier call) {
        assertEquals(Px.name(expected), Px.name(Px.errno(call.getAsInt())), what);
    }

    static int open(Path p, int flags) {
        int fd = Px.open(p, flags, 0644);
        assertTrue(fd >= 0, "open " + p + ": " + Px.name(-fd));
        return fd;
    }

    /** Opens p read-only, reads it whole, closes it. */
    static String readOnce(Path p) {
        int fd = open(p, O_RDONLY);
        try {
            return Px.pread(fd);
        } finally {
            Px.close(fd);
        }
    }

    /** Opens p with flags, writes s at 0, closes it. */
    static void writeOnce(Path p, int flags, String s) {
        int w = open(p, flags);
        try {
            assertEquals(s.length(), Px.pwrite(w, s, 0));
        } finally {
            Px.close(w);
        }
    }

    /** What the daemon of m saw from here on: READs, WRITEs, and opens answered passthrough. */
    record Seen(KernelViewMount m, long reads0, long writes0, long passthrough0) {
        static Seen from(KernelViewMount m) {
            return new Seen(m, m.fs.readRequests(), m.fs.writeRequests(), m.fs.passthroughOpens());
        }

        long reads() {
            return m.fs.readRequests() - reads0;
        }

        long writes() {
            return m.fs.writeRequests() - writes0;
        }

        long passthrough() {
            return m.fs.passthroughOpens() - passthrough0;
        }
    }

    static Path backing(String owner, String folder, String name, String content) throws IOException {
        Path p = env.backing(owner, folder).resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void theKernelAcceptedPassthrough_whereAskedFor() {
        for (KernelViewMount m : List.of(owned, reads, reserve)) {
            assertEquals("accepted", m.fs.passthroughStatus().describe(), m.mountPoint.toString());
        }
        assertEquals("not asked", off.fs.passthroughStatus().describe());
    }

    @Test
    void anOwnedFolder_isReadAndWrittenPassthrough_theDaemonSeesNoReadOrWrite() throws IOException {
        Path back = backing(ME, "mine", "pt", "abc");
        Seen seen = Seen.from(owned);
        int fd = open(owned.mountPoint.resolve("mine/pt"), O_RDWR);
        try {
            assertEquals("abc", Px.pread(fd));
            assertEquals(2, Px.pwrite(fd, "XY", 3));
            assertEquals("abcXY", Files.readString(back), "the write reached the backing file");
            Files.writeString(back, "abcXYZ");
            assertEquals("abcXYZ", Px.pread(fd), "a read sees the backing file as it is now");
        } finally {
            Px.close(fd);
        }
        int created = open(owned.mountPoint.resolve("mine/new"), O_CREAT | O_EXCL | O_WRONLY);
        try {
            assertEquals(3, Px.pwrite(created, "new", 0));
        } finally {
            Px.close(created);
        }
        assertEquals("new", Files.readString(env.backing(ME, "mine").resolve("new")));
        assertEquals(0, seen.reads(), "READs for passthrough opens");
        assertEquals(0, seen.writes(), "WRITEs for passthrough opens");
        assertEquals(2, seen.passthrough(), "the open and the create");
    }

    @Test
    void aShare_underOwned_goesThroughTheDaemon_forReadsAndWrites() throws IOException {
        Path back = backing(OTHER, "shared", "s-owned", "abc");
        Seen seen = Seen.from(owned);
        assertEquals("abc", readOnce(owned.mountPoint.resolve("shared/s-owned")));
        assertTrue(seen.reads() > 0, "a read-only open of a share comes to the daemon");
        writeOnce(owned.mountPoint.resolve("shared/s-owned"), O_WRONLY, "XY");
        assertEquals("XYc", Files.readString(back));
        assertEquals(1, seen.writes(), "one write, one WRITE");
        assertEquals(0, seen.passthrough());
    }

    @Test
    void aShare_underReads_readOnlyOpensArePassthrough_writableOnesAreNot() throws IOException {
        Path back = backing(OTHER, "shared", "s-reads", "abc");
        Seen seen = Seen.from(reads);
        assertEquals("abc", readOnce(reads.mountPoint.resolve("shared/s-reads")));
        assertEquals(0, seen.reads(), "a read-only open of a share is passthrough under reads");
        assertEquals(1, seen.passthrough());
        int w = open(reads.mountPoint.resolve("shared/s-reads"), O_RDWR);
        try {
            assertEquals(2, Px.pwrite(w, "XY", 0));
            assertEquals("XYc", Px.pread(w));
        } finally {
            Px.close(w);
        }
        assertEquals("XYc", Files.readString(back));
        assertEquals(1, seen.writes(), "a writable open of a share comes to the daemon");
        assertTrue(seen.reads() > 0, "and so do its reads");
        assertEquals(1, seen.passthrough(), "the writable open was not passthrough");
    }

    @Test
    void off_sendsEveryReadAndWriteThroughTheDaemon_evenInAnOwnedFolder() throws IOException {
        Path back = backing(ME, "mine", "off", "abc");
        Seen seen = Seen.from(off);
        int fd = open(off.mountPoint.resolve("mine/off"), O_RDWR);
        try {
            assertEquals("abc", Px.pread(fd));
            assertEquals(2, Px.pwrite(fd, "XY", 3));
        } finally {
            Px.close(fd);
        }
        assertEquals("abcXY", Files.readString(back));
        assertTrue(seen.reads() > 0);
        assertEquals(1, seen.writes());
        assertEquals(0, seen.passthrough());
    }

    @Test
    void underAReserve_aWritableOpenOfAnOwnedFolderStaysOnTheDaemonPath_readOnlyOpensDoNot() throws IOException {
        Path back = backing(ME, "mine", "res", "abc");
        Seen seen = Seen.from(reserve);
        int r = open(reserve.mountPoint.resolve("mine/res"), O_RDONLY);
        try {
            assertEquals("abc", Px.pread(r));
            assertEquals(0, seen.reads(), "a read-only open is passthrough");
            assertEquals(1, seen.passthrough());
            // The inode is open passthrough: the writable open shares its backing file for mmap, but
            // its reads and writes come to the daemon, where the reserve is kept.
            int w = open(reserve.mountPoint.resolve("mine/res"), O_WRONLY);
            try {
                assertEquals(2, Px.pwrite(w, "XY", 3));
            } finally {
                Px.close(w);
            }
            assertEquals(1, seen.writes());
            assertEquals("abcXY", Px.pread(r), "the passthrough reader sees the write");
        } finally {
            Px.close(r);
        }
        int w = open(reserve.mountPoint.resolve("mine/res"), O_WRONLY);
        try {
            assertEquals(1, Px.pwrite(w, "Z", 5));
        } finally {
            Px.close(w);
        }
        assertEquals(2, seen.writes(), "a writable open alone is not passthrough either");
        assertEquals(1, seen.passthrough());
        assertEquals("abcXYZ", Files.readString(back));
    }

    @Test
    void aKickOut_underReads_hidesTheFolder_refusesNewOpens_butAnOpenPassthroughDescriptorKeepsReading() throws Exception {
        Path back = backing(OTHER, "kick", "secret", "one\n");
        Path kick = reads.mountPoint.resolve("kick");
        Seen seen = Seen.from(reads);
        int fd = open(kick.resolve("secret"), O_RDONLY);
        try {
            assertEquals(1, seen.passthrough());
            env.sharing.shares().revoke(OTHER, "kick", ME);
            reads.reload();
            assertFalse(Px.list(reads.mountPoint).contains("kick"), Px.list(reads.mountPoint).toString());
            errno(ENOENT, "a new open in the kicked-out folder", () -> Px.open(kick.resolve("secret"), O_RDONLY, 0));
            // The documented trade-off of --passthrough reads: the kernel reads the backing file for
            // this descriptor, with no daemon to ask, so it keeps reading, what is there now included.
            Files.writeString(back, "one\ntwo\n");
            assertEquals("one\ntwo\n", Px.pread(fd));
            assertEquals(0, seen.reads());
        } finally {
            Px.close(fd);
        }
    }

    @Test
    void aDowngrade_makesTheNextWriteOnAnOpenDaemonPathDescriptorFail() throws Exception {
        backing(OTHER, "down", "w", "abc");
        int fd = open(owned.mountPoint.resolve("down/w"), O_WRONLY);
        try {
            assertEquals(1, Px.pwrite(fd, "X", 0));
            env.sharing.shares().set(OTHER, "down", ME, Permission.VIEW);
            owned.reload();
            errno(EROFS, "a write after the downgrade", () -> Px.pwrite(fd, "Y", 0));
        } finally {
            Px.close(fd);
        }
        assertEquals("Xbc", Files.readString(env.backing(OTHER, "down").resolve("w")));
    }

    @Test
    void aDowngrade_underReads_refusesTheNextWriteOfAWritableOpen_evenBesideAPassthroughReader() throws Exception {
        backing(OTHER, "down2", "w", "abc");
        Path p = reads.mountPoint.resolve("down2/w");
        Seen seen = Seen.from(reads);
        int r = open(p, O_RDONLY);
        int w = open(p, O_WRONLY);
        try {
            assertEquals(1, seen.passthrough(), "the reader only");
            assertEquals(1, Px.pwrite(w, "X", 0));
            assertEquals(1, seen.writes());
            env.sharing.shares().set(OTHER, "down2", ME, Permission.VIEW);
            reads.reload();
            errno(EROFS, "a write after the downgrade", () -> Px.pwrite(w, "Y", 0));
            assertEquals("Xbc", Px.pread(r));
        } finally {
            Px.close(w);
            Px.close(r);
        }
        assertEquals("Xbc", Files.readString(env.backing(OTHER, "down2").resolve("w")));
    }

    @Test
    void mmapOfAPassthroughFile_readsAndWritesTheBackingFile() throws IOException {
        byte[] page = new byte[4096];
        java.util.Arrays.fill(page, (byte) 'a');
        Path back = env.backing(ME, "mine").resolve("mm");
        Files.write(back, page);
        Seen seen = Seen.from(owned);
        try (FileChannel ch = FileChannel.open(owned.mountPoint.resolve("mine/mm"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, page.length);
            assertEquals('a', m.get(4095));
            m.put(0, "mapped".getBytes(StandardCharsets.US_ASCII));
            m.force();
            unmap(m);
        }
        assertEquals("mappedaaaa", new String(Files.readAllBytes(back), 0, 10, StandardCharsets.US_ASCII));
        assertEquals(0, seen.reads());
        assertEquals(0, seen.writes());
        assertEquals(1, seen.passthrough());
    }

    /** Unmaps now rather than at some garbage collection: a mapping keeps the mount busy. */
    static void unmap(MappedByteBuffer m) {
        try {
            java.lang.reflect.Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            unsafe.getClass().getMethod("invokeCleaner", java.nio.ByteBuffer.class).invoke(unsafe, m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot unmap", e);
        }
    }

    @Test
    void aNewOpenOfAFileOpenOnTheDaemonPath_staysThere() throws IOException {
        backing(OTHER, "shared", "mix", "abc");
        Path p = reads.mountPoint.resolve("shared/mix");
        Seen seen = Seen.from(reads);
        int w = open(p, O_WRONLY);
        try {
            int r = open(p, O_RDONLY);
            try {
                assertEquals("abc", Px.pread(r), "not refused: the kernel keeps one mode per inode, so it reads through the daemon");
            } finally {
                Px.close(r);
            }
        } finally {
            Px.close(w);
        }
        assertEquals(0, seen.passthrough());
        assertTrue(seen.reads() > 0);
    }
}
