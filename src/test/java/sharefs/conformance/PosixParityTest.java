package sharefs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.conformance.Posix.*;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sharefs.conformance.Posix.Dir;
import sharefs.conformance.Posix.Dirent;
import sharefs.conformance.Posix.Ops;
import sharefs.conformance.Posix.Stat;
import sharefs.conformance.Posix.StatFs;

/**
 * POSIX parity: every case is one syscall sequence, run once in a native directory (a temp dir on
 * the same disk as the mount's backing storage) and once inside the owner's folder of a real
 * sharefs mount (served by a separate daemon JVM). Each run yields a transcript of "op -> result"
 * lines (a failure shows its errno's name) and a snapshot of the tree it left; native and mount
 * must agree on both.
 *
 * <p>Where sharefs differs from native on purpose (the permission table of DESIGN.md: ownership
 * shown as the session's uid/gid, chown/setuid/device nodes EPERM; and statfs's f_type, which is
 * FUSE's), {@link #documentedDifferences} states the expected value on each side explicitly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosixParityTest {
    /** The engine the mount runs on: kernel, the default ({@code Libfuse2PosixParityTest} runs libfuse2). */
    /** The node agent's options (none: the defaults, as `sharefs mount` starts it). */
    java.util.List<String> nodeOptions() {
        return java.util.List.of();
    }

    String engine() {
        return "kernel";
    }

    Mounted m;
    Path nativeRoot;

    @BeforeAll
    void mount(@TempDir Path dir) throws Exception {
        m = new Mounted(dir, "data", engine(), nodeOptions());
        nativeRoot = Files.createDirectories(dir.resolve("native"));
    }

    @AfterAll
    void unmount() {
        if (m != null) m.close();
    }

    interface Case {
        void run(Ops o) throws Exception;
    }

    record Run(List<String> transcript, List<String> snapshot) {
    }

    private Run run(Path base, boolean mounted, Case c) throws Exception {
        Files.createDirectories(base);
        Ops o = new Ops(base, mounted);
        c.run(o);
        Run r = new Run(o.t, Posix.snapshot(base));
        // Kept for reading after a run: target/posix-parity/<case>.<native|mount>.txt
        Path out = Files.createDirectories(Path.of("target", "posix-parity"));
        List<String> all = new ArrayList<>(r.transcript());
        all.add("--- snapshot");
        all.addAll(r.snapshot().size() > 200 ? r.snapshot().subList(0, 200) : r.snapshot());
        Files.write(out.resolve(base.getFileName() + (mounted ? ".mount" : ".native") + ".txt"), all);
        return r;
    }

    /** Runs the case natively and in the mount; returns {native, mount} after asserting parity. */
    private Run[] parity(String name, Case c) throws Exception {
        return parity(name, Map.of(), c);
    }

    /**
     * As {@link #parity(String, Case)}, except that for each op named in differs (the text left
     * of " -> ") the native line must show differs[op][0] and the mount line differs[op][1].
     */
    private Run[] parity(String name, Map<String, String[]> differs, Case c) throws Exception {
        Run n = run(nativeRoot.resolve(name), false, c);
        Run f = run(m.folder.resolve(name), true, c);
        System.out.printf("parity %-12s %4d ops, %5d snapshot entries, %d documented differences%n", name,
                n.transcript().size(), n.snapshot().size(), differs.size());
        compareTranscripts(name, n, f, differs);
        assertEquals(n.snapshot().size(), f.snapshot().size(), name + ": snapshot size");
        assertEquals(String.join("\n", n.snapshot()), String.join("\n", f.snapshot()), name + ": snapshot native vs mount");
        return new Run[] {n, f};
    }

    private static void compareTranscripts(String name, Run n, Run f, Map<String, String[]> differs) {
        if (differs.isEmpty()) {
            assertEquals(String.join("\n", n.transcript()), String.join("\n", f.transcript()), name + ": transcript native vs mount");
            return;
        }
        assertEquals(n.transcript().size(), f.transcript().size(), name + ": transcript lengths\n" + n.transcript() + "\n" + f.transcript());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n.transcript().size(); i++) {
            String nl = n.transcript().get(i);
            String fl = f.transcript().get(i);
            String op = nl.substring(0, nl.lastIndexOf(" -> "));
            String[] want = differs.get(op);
            if (want == null) {
                assertEquals(nl, fl, name + ": line " + (i + 1) + ", native vs mount");
            } else {
                seen.add(op);
                assertEquals(op + " -> " + want[0], nl, name + ": native side of a documented difference");
                assertEquals(op + " -> " + want[1], fl, name + ": mount side of a documented difference");
            }
        }
        assertEquals(differs.keySet(), seen, name + ": every documented difference was exercised");
    }

    @Test
    void openFlags() throws Exception {
        parity("open", o -> {
            int fd = o.open("f", O_WRONLY | O_CREAT, 0644);
            o.write(fd, "hello");
            o.close(fd);
            o.open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
            o.open("f", O_RDWR | O_CREAT | O_EXCL, 0600);
            // O_APPEND: every write lands at the end, whatever the offset (even pwrite, on Linux).
            fd = o.open("f", O_WRONLY | O_APPEND);
            o.lseek(fd, 0, SEEK_SET);
            o.write(fd, "-app1");
            o.pwrite(fd, "-app2", 0);
            o.lseek(fd, 0, SEEK_CUR);
            o.fstat(fd);
            o.close(fd);
            fd = o.open("f", O_RDONLY);
            o.read(fd, 100);
            o.write(fd, "x"); // EBADF: not open for writing
            o.close(fd);
            // O_TRUNC empties; a read-write open without it keeps the bytes.
            fd = o.open("f", O_RDWR);
            o.fstat(fd);
            o.close(fd);
            fd = o.open("f", O_WRONLY | O_TRUNC);
            o.fstat(fd);
            o.write(fd, "new");
            o.close(fd);
            o.stat("f", true);
            // O_CREAT|O_TRUNC on an existing file keeps the inode, empties it.
            o.put("g", "0123456789");
            fd = o.open("g", O_RDWR | O_CREAT | O_TRUNC, 0600);
            o.fstat(fd);
            o.close(fd);
            o.mkdir("d");
            fd = o.open("d", O_RDONLY | O_DIRECTORY);
            if (fd >= 0) {
                int in = o.openat(fd, "d", "inner", O_WRONLY | O_CREAT | O_EXCL, 0640);
                if (in >= 0) {
                    o.write(in, "inside");
                    o.close(in);
                }
                o.openat(fd, "d", "inner", O_WRONLY | O_CREAT | O_EXCL, 0640);
                o.openat(fd, "d", "missing", O_RDONLY, 0);
                o.close(fd);
            }
            o.open("f", O_RDONLY | O_DIRECTORY);
            o.open("d", O_WRONLY);
            o.open("d", O_RDWR);
            o.open("missing", O_RDONLY);
            o.open("f/x", O_RDONLY);
            o.open("f/x", O_WRONLY | O_CREAT, 0644);
            o.open("nodir/x", O_WRONLY | O_CREAT, 0644);
            o.symlink("f", "s");
            o.open("s", O_RDONLY | O_NOFOLLOW);
            o.open("s", O_WRONLY | O_CREAT | O_EXCL, 0644);
            fd = o.open("s", O_RDONLY);
            o.read(fd, 100);
            o.close(fd);
            o.symlink("d", "sd");
            o.open("sd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            fd = o.open("sd", O_RDONLY | O_DIRECTORY);
            o.close(fd);
            // A dangling symlink: reading gives ENOENT, O_CREAT creates its target.
            o.symlink("target-made-by-open", "dangling");
            o.open("dangling", O_RDONLY);
            fd = o.open("dangling", O_WRONLY | O_CREAT, 0644);
            o.write(fd, "via symlink");
            o.close(fd);
            o.open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644);
            // Mode given at creation (0600, 0640 above) is what the file gets, umask aside.
            fd = o.open("private", O_WRONLY | O_CREAT | O_EXCL, 0600);
            o.close(fd);
        });
    }

    @Test
    void readsAndWritesAtOffsets() throws Exception {
        parity("offsets", o -> {
            int fd = o.open("f", O_RDWR | O_CREAT, 0644);
            o.write(fd, "abcdefghij");
            o.lseek(fd, 0, SEEK_CUR);
            o.lseek(fd, 3, SEEK_SET);
            o.write(fd, "XY");
            o.lseek(fd, 0, SEEK_CUR);
            o.read(fd, 3);
            o.lseek(fd, -2, SEEK_END);
            o.read(fd, 10);
            o.read(fd, 10); // at EOF: 0
            o.pwrite(fd, "123", 8); // extends by one
            o.pread(fd, 100, 0);
            o.pread(fd, 4, 9);
            o.pread(fd, 4, 11);
            o.pread(fd, 4, 1000);
            o.lseek(fd, 0, SEEK_CUR); // pread/pwrite do not move the offset
            o.lseek(fd, -100, SEEK_SET); // EINVAL
            o.lseek(fd, 20, SEEK_SET);
            o.write(fd, "Z"); // past EOF: a hole of 9 zero bytes
            o.pread(fd, 100, 0);
            o.fstat(fd);
            // A larger write than one FUSE request (max_write is 128 KiB) at an odd offset.
            byte[] big = new byte[300_001];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
            o.pwrite(fd, big, 4097, "300001 bytes");
            o.pread(fd, 300_001, 4097);
            o.pread(fd, 200_000, 150_000);
            o.fstat(fd);
            o.close(fd);
            o.put("small", "x");
            fd = o.open("small", O_RDONLY);
            o.pread(fd, 1, -1); // EINVAL
            o.close(fd);
        });
    }

    @Test
    void sparseFiles() throws Exception {
        parity("sparse", o -> {
            int fd = o.open("sparse", O_RDWR | O_CREAT, 0644);
            o.pwrite(fd, "head", 0);
            o.pwrite(fd, "tail", 64L << 20); // 64 MiB past the start
            Stat s = o.fstat(fd);
            o.note("sparse: allocated < size -> " + (s != null && s.blocks() * 512 < s.size()));
            o.pread(fd, 8192, 1 << 20);
            o.pread(fd, 10, (64L << 20) - 6);
            o.pread(fd, 4096, 32L << 20);
            o.close(fd);
            // A file that is all hole: ftruncate up from nothing.
            fd = o.open("hole", O_RDWR | O_CREAT, 0644);
            o.ftruncate(fd, 5_000_000);
            o.fstat(fd);
            o.pread(fd, 64, 4_999_990);
            o.close(fd);
            o.stat("hole", true);
        });
    }

    @Test
    void truncateUpAndDown() throws Exception {
        parity("truncate", o -> {
            o.put("f", "0123456789");
            o.truncate("f", 4);
            o.stat("f", true);
            o.truncate("f", 12);
            o.stat("f", true);
            int fd = o.open("f", O_RDWR);
            o.pread(fd, 100, 0);
            o.ftruncate(fd, 2);
            o.fstat(fd);
            o.read(fd, 100);
            o.ftruncate(fd, 100_000);
            o.fstat(fd);
            o.pread(fd, 10, 99_995);
            o.ftruncate(fd, -1); // EINVAL
            o.ftruncate(fd, 0);
            o.fstat(fd);
            o.close(fd);
            fd = o.open("f", O_RDONLY);
            o.ftruncate(fd, 5); // EINVAL or EBADF: not open for writing
            o.close(fd);
            o.truncate("f", -5);
            o.truncate("missing", 0);
            o.mkdir("d");
            o.truncate("d", 0);
            o.symlink("f", "s");
            o.truncate("s", 3); // follows the link
            o.stat("f", true);
            o.lstat("s");
        });
    }

    @Test
    void renames() throws Exception {
        parity("rename", o -> {
            o.put("a", "A");
            o.put("b", "B");
            o.rename("a", "a2");
            o.rename("a", "x"); // ENOENT
            o.rename("a2", "b"); // replaces b
            o.stat("b", true);
            o.rename("b", "b"); // same name: no-op
            o.link("b", "b-link");
            o.rename("b", "b-link"); // same inode: no-op, both stay
            o.stat("b", true);
            o.mkdir("d1");
            o.put("d1/f", "in d1");
            o.mkdir("empty");
            o.mkdir("full");
            o.put("full/x", "x");
            o.rename("d1", "empty"); // over an empty directory: ok
            o.stat("d1", true);
            o.stat("empty/f", true);
            o.rename("empty", "full"); // ENOTEMPTY
            o.mkdir("p");
            o.mkdir("p/child");
            o.rename("p", "p/child/into"); // EINVAL: into its own subtree
            o.rename("p", "p/child"); // EINVAL as well (target is its own child)
            o.put("file", "file");
            o.rename("file", "full"); // EISDIR
            o.rename("full", "file"); // ENOTDIR
            o.rename("file", "file/x"); // ENOTDIR
            o.rename("file", "nodir/x"); // ENOENT
            o.rename("full/x", "p/child/moved"); // across directories
            o.rename("full", "p/child/full-moved");
            o.rename("p/child", "top"); // up a level, with its content
            o.rename(".", "dot"); // EBUSY or EINVAL
            o.rename("top/..", "z");
            o.symlink("b", "sym");
            o.rename("sym", "sym2"); // renames the link, not its target
            o.readlink("sym2");
            o.mkdir("dd");
            o.rename("sym2", "dd"); // a symlink over a directory: EISDIR
            o.stat("top", true);
        });
    }

    /**
     * One documented difference on the libfuse2 engine alone, from libfuse 2's path-based
     * (high-level) API: fstat on a descriptor whose last name was unlinked. The kernel sends the
     * GETATTR without the file handle and libfuse 2 has no path left for the node (hard_remove),
     * so the mount answers ENOENT where native gives nlink=0. The kernel engine answers from the
     * node's own descriptor, as native. Reads and writes through the descriptor still work (same
     * as native) on both.
     *
     * <p>Each name is its own FUSE node in that API, so the other names of an inode would keep a
     * stale st_nlink while the kernel cached their attributes; sharefs caches none (close-to-open
     * across mounts), so every name shows the new count at once, as natively.
     */
    @Test
    void linkCounts() throws Exception {
        Map<String, String[]> differs = engine().equals("libfuse2")
                ? Map.of("fstat(unlinked)", new String[] {"reg size=4 nlink=0", "ENOENT"}) : Map.of();
        parity("links", differs, o -> {
            o.put("f", "data");
            o.stat("f", true);
            o.link("f", "g");
            o.stat("g", true); // the new name: exact at once on the mount too
            o.stat("f", true);
            o.mkdir("sub");
            o.link("f", "sub/h");
            o.stat("g", true);
            o.link("f", "g"); // EEXIST
            o.link("missing", "m"); // ENOENT
            o.link("sub", "sub2"); // EPERM: no hard links to directories
            o.unlink("g");
            o.stat("f", true);
            o.stat("sub", true);
            o.mkdir("sub/a");
            o.mkdir("sub/b");
            o.stat("sub", true); // 2 + two subdirectories
            o.rmdir("sub/a");
            o.stat("sub", true);
            o.rmdir("sub"); // ENOTEMPTY
            o.unlink("sub"); // EISDIR
            o.rmdir("f"); // ENOTDIR
            o.unlink("missing"); // ENOENT
            // The last name goes while a descriptor stays open: it still reads and writes.
            int fd = o.open("sub/h", O_RDWR);
            o.fstat(fd);
            o.unlink("f");
            o.unlink("sub/h");
            o.fstat(fd, "unlinked");
            o.pread(fd, 10, 0);
            o.pwrite(fd, "more", 4);
            o.pread(fd, 10, 0);
            o.close(fd);
            o.stat("sub/h", false);
            o.symlink("nowhere", "sl");
            o.link("sl", "sl-hard"); // link(2) does not follow: a second name for the symlink
            o.lstat("sl");
            o.unlink("sl");
            o.lstat("sl-hard");
        });
    }

    /** After link(f, g), the old name's count is exact at once: no attribute cache hides it. */
    @Test
    void linkCountOfOtherNamesIsExactAtOnce() throws Exception {
        Path d = Files.createDirectories(m.folder.resolve("nlink-window"));
        Ops o = new Ops(d, true);
        o.put("f", "x");
        assertEquals(1, o.statQuiet("f", true, null).nlink()); // would cache f's attributes
        o.link("f", "g");
        assertEquals(2, o.statQuiet("g", true, null).nlink(), "the new name");
        assertEquals(2, o.statQuiet("f", true, null).nlink(), "the old name, at once");
    }

    @Test
    void symlinkLoops() throws Exception {
        parity("symlinks", o -> {
            o.symlink("b", "a");
            o.symlink("a", "b");
            o.open("a", O_RDONLY);
            o.open("a", O_WRONLY | O_CREAT, 0644);
            o.stat("a", true);
            o.lstat("a");
            o.readlink("a");
            o.readlink("b");
            o.symlink("self", "self");
            o.open("self", O_RDONLY);
            o.stat("self/x", true);
            o.mkdir("d");
            o.symlink("../d", "d/up"); // relative target resolves against the link's directory
            o.symlink("d/up/up/up", "deep");
            o.stat("deep", true);
            o.put("file", "x");
            o.readlink("file"); // EINVAL
            o.readlink("missing"); // ENOENT
            o.symlink("x", "a"); // EEXIST
            o.symlink("", "empty"); // ENOENT: empty target
            o.unlink("a");
            o.open("b", O_RDONLY); // now dangling: ENOENT
            // A chain of 40 links resolves; 41 is ELOOP (MAXSYMLINKS).
            o.put("end", "end of chain");
            for (int i = 1; i <= 41; i++) o.symlink(i == 1 ? "end" : "c" + (i - 1), "c" + i);
            int fd = o.open("c40", O_RDONLY);
            if (fd >= 0) {
                o.read(fd, 100);
                o.close(fd);
            }
            o.open("c41", O_RDONLY);
        });
    }

    @Test
    void longAndNonAsciiNames() throws Exception {
        String n255 = "n".repeat(255);
        String n256 = "n".repeat(256);
        String jp255 = "日".repeat(85); // 255 bytes of UTF-8
        String jp258 = "日".repeat(86); // 258 bytes
        String uni = "données-日本語-🙂";
        parity("names", o -> {
            o.put(n255, "255");
            o.stat(n255, true);
            o.open(n256, O_WRONLY | O_CREAT, 0644);
            o.stat(n256, true);
            o.mkdir(n256);
            o.symlink("x", n256);
            o.put(jp255, "jp");
            o.open(jp258, O_WRONLY | O_CREAT, 0644);
            o.rename(n255, n256);
            o.link(n255, jp258);
            o.mkdir(uni);
            o.put(uni + "/" + uni + ".txt", "ünïcödé");
            o.stat(uni + "/" + uni + ".txt", true);
            o.rename(uni + "/" + uni + ".txt", uni + "/Ελληνικά-ñ.txt");
            o.symlink(uni + "/Ελληνικά-ñ.txt", "lien-🔗");
            o.readlink("lien-🔗");
            int fd = o.open("lien-🔗", O_RDONLY);
            o.read(fd, 100);
            o.close(fd);
            // Names are bytes: NFC and NFD spellings of é are two different files.
            o.put("caf\u00e9", "nfc");
            o.put("cafe\u0301", "nfd");
            o.stat("caf\u00e9", true);
            o.stat("cafe\u0301", true);
            // A path longer than PATH_MAX (4096) is ENAMETOOLONG before any lookup.
            o.stat(("x".repeat(200) + "/").repeat(21), true);
            // Names the listing must show exactly as created.
            List<String> names = new ArrayList<>();
            try (Dir d = new Dir(o.base)) {
                for (Dirent e = d.next(); e != null; e = d.next()) names.add(e.name());
            }
            names.sort(null);
            for (String s : names) o.note("readdir: " + Ops.label(s) + " (" + s.getBytes(StandardCharsets.UTF_8).length + " bytes)");
        });
    }

    @Test
    void utimensatNowAndOmit() throws Exception {
        parity("utimens", o -> {
            o.put("f", "t");
            o.utimens("f", 1_000_000_000L, 500_000_000L, 1_100_000_000L, 250_000_000L, 0);
            times(o, "f", "fixed");
            long before = System.currentTimeMillis() / 1000;
            o.utimens("f", 0, UTIME_OMIT, 0, UTIME_NOW, 0);
            long after = System.currentTimeMillis() / 1000;
            Stat s = o.statQuiet("f", true, null);
            o.note("omit atime, now mtime: atime=" + s.atimeSec() + "." + s.atimeNsec() + " mtime now -> "
                    + (s.mtimeSec() >= before - 1 && s.mtimeSec() <= after + 1));
            o.utimens("f", 1_000_000_000L, 500_000_000L, 1_100_000_000L, 250_000_000L, 0);
            before = System.currentTimeMillis() / 1000;
            o.utimens("f", 0, UTIME_NOW, 0, UTIME_OMIT, 0);
            after = System.currentTimeMillis() / 1000;
            s = o.statQuiet("f", true, null);
            o.note("now atime, omit mtime: mtime=" + s.mtimeSec() + "." + s.mtimeNsec() + " atime now -> "
                    + (s.atimeSec() >= before - 1 && s.atimeSec() <= after + 1));
            o.utimens("f", 0, UTIME_OMIT, 0, UTIME_OMIT, 0);
            s = o.statQuiet("f", true, null);
            o.note("both omitted: mtime=" + s.mtimeSec() + "." + s.mtimeNsec());
            o.utimens("f", 5, 1_000_000_000L, 5, 0, 0); // EINVAL: nsec out of range
            o.utimens("missing", 0, UTIME_NOW, 0, UTIME_NOW, 0);
            o.mkdir("d");
            o.utimens("d", 1_200_000_000L, 0, 1_300_000_000L, 999_999_999L, 0);
            times(o, "d", "dir");
            // Through a symlink the target changes; with AT_SYMLINK_NOFOLLOW the link itself.
            o.symlink("f", "s");
            o.utimens("s", 1_400_000_000L, 1, 1_400_000_000L, 2, 0);
            times(o, "f", "target");
            o.utimens("s", 1_500_000_000L, 3, 1_500_000_000L, 4, AT_SYMLINK_NOFOLLOW);
            times(o, "f", "target after nofollow");
            Stat ls = o.statQuiet("s", false, null);
            o.note("link itself: mtime=" + ls.mtimeSec() + "." + ls.mtimeNsec());
        });
    }

    private static void times(Ops o, String rel, String what) {
        Stat s = o.statQuiet(rel, true, null);
        o.note(what + ": atime=" + s.atimeSec() + "." + s.atimeNsec() + " mtime=" + s.mtimeSec() + "." + s.mtimeNsec());
    }

    @Test
    void sharedMmapWritesAreVisibleToRead() throws Exception {
        Run[] r = parity("mmap", o -> {
            int fd = o.open("m", O_RDWR | O_CREAT, 0644);
            o.ftruncate(fd, 3 * 4096 + 100);
            try (FileChannel ch = FileChannel.open(o.base.resolve("m"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_WRITE, 0, 3 * 4096 + 100);
                mb.put(10, "mapped-1".getBytes(StandardCharsets.US_ASCII));
                mb.put(4096 * 3 + 90, "mapped-end".getBytes(StandardCharsets.US_ASCII));
                // No msync yet: a read(2) through another descriptor sees the page cache.
                o.pread(fd, 8, 10);
                o.pread(fd, 20, 4096 * 3 + 90);
                mb.force();
                o.note("msync done");
                o.fsync(fd);
                // And the other way: a write(2) shows in the mapping.
                o.pwrite(fd, "written", 5000);
                byte[] seen = new byte[7];
                mb.get(5000, seen);
                o.note("mapping sees pwrite -> \"" + new String(seen, StandardCharsets.US_ASCII) + "\"");
            }
            o.pread(fd, 30, 0);
            o.close(fd);
        });
        // Mount only: after msync the bytes are in the backing file too.
        byte[] viaMount = Files.readAllBytes(m.folder.resolve("mmap/m"));
        assertArrayEquals(viaMount, Files.readAllBytes(m.backing.resolve("mmap/m")), "backing bytes after msync");
        assertArrayEquals(Files.readAllBytes(nativeRoot.resolve("mmap/m")), viaMount);
        assertTrue(r[1].snapshot().size() == 1);
    }

    @Test
    void fsyncVariants() throws Exception {
        parity("fsync", o -> {
            int fd = o.open("f", O_WRONLY | O_CREAT, 0644);
            o.write(fd, "durable");
            o.fsync(fd);
            o.fdatasync(fd);
            o.close(fd);
            fd = o.open("f", O_RDONLY);
            o.fsync(fd);
            o.close(fd);
            o.mkdir("d");
            fd = o.open("d", O_RDONLY | O_DIRECTORY);
            o.fsync(fd);
            o.close(fd);
            o.fsync(fd); // EBADF: closed
        });
    }

    @Test
    void flockAndFcntlLocks() throws Exception {
        parity("locks", o -> {
            o.put("f", "lock me");
            int a = o.open("f", O_RDWR);
            int b = o.open("f", O_RDWR);
            int r = o.open("f", O_RDONLY);
            // sharefs implements neither FUSE's lock nor its flock op, so the kernel keeps both
            // kinds of lock locally on the mount; they behave as native (checked here line by
            // line; no documented difference is needed). Locks are therefore per machine, not
            // seen by another mount of the same folder.
            // flock: per open file description; a second description conflicts.
            o.flock(a, "a", LOCK_EX);
            o.flock(b, "b", LOCK_EX | LOCK_NB);
            o.flock(b, "b", LOCK_SH | LOCK_NB);
            o.flock(a, "a", LOCK_SH); // downgrade
            o.flock(b, "b", LOCK_SH | LOCK_NB);
            o.flock(b, "b", LOCK_EX | LOCK_NB);
            o.flock(a, "a", LOCK_UN);
            o.flock(b, "b", LOCK_UN);
            o.flock(b, "b", LOCK_EX | LOCK_NB);
            o.flock(a, "a", LOCK_EX | LOCK_NB);
            o.flock(b, "b", LOCK_UN);
            // fcntl record locks: a process's own F_SETLK locks never conflict with each other;
            // open-file-description locks (F_OFD_*) do, across descriptions.
            o.fcntlLock(a, "a", F_SETLK, F_WRLCK, 0, 0);
            o.fcntlLock(b, "b", F_SETLK, F_WRLCK, 0, 10);
            o.fcntlLock(b, "b", F_OFD_GETLK, F_WRLCK, 0, 0);
            o.fcntlLock(b, "b", F_OFD_SETLK, F_RDLCK, 0, 0);
            o.fcntlLock(a, "a", F_SETLK, F_UNLCK, 0, 0);
            o.fcntlLock(b, "b", F_OFD_SETLK, F_WRLCK, 0, 100);
            o.fcntlLock(a, "a", F_OFD_SETLK, F_WRLCK, 50, 10);
            o.fcntlLock(a, "a", F_OFD_SETLK, F_WRLCK, 100, 10);
            o.fcntlLock(a, "a", F_OFD_GETLK, F_WRLCK, 0, 0);
            o.fcntlLock(b, "b", F_OFD_SETLK, F_UNLCK, 0, 0);
            o.fcntlLock(a, "a", F_OFD_SETLK, F_WRLCK, 50, 10);
            o.fcntlLock(r, "r", F_SETLK, F_WRLCK, 0, 0); // EBADF: read-only descriptor
            o.fcntlLock(r, "r", F_SETLK, F_RDLCK, 0, 0);
            o.close(a);
            o.close(b);
            o.close(r);
        });
    }

    @Test
    void directoryWithTenThousandEntries() throws Exception {
        int count = 10_000;
        parity("bigdir", o -> {
            o.mkdir("big");
            int failures = 0;
            for (int i = 0; i < count; i++) {
                int fd = L.open(o.p("big/e" + String.format("%05d", i)), O_WRONLY | O_CREAT | O_EXCL, 0644);
                if (fd < 0) failures++;
                else L.close(fd);
            }
            o.note("created " + count + " files, failures -> " + failures);
            try (Dir d = new Dir(o.base.resolve("big"))) {
                List<String> all = new ArrayList<>();
                for (Dirent e = d.next(); e != null; e = d.next()) all.add(e.name());
                Set<String> unique = new HashSet<>(all);
                boolean complete = unique.contains(".") && unique.contains("..");
                for (int i = 0; i < count && complete; i++) complete = unique.contains("e" + String.format("%05d", i));
                o.note("readdir: entries=" + all.size() + " unique=" + unique.size() + " complete -> " + complete);
                // seekdir back to a remembered position continues with the same entries.
                d.rewind();
                for (int i = 0; i < 5000; i++) d.next();
                long pos = d.tell();
                List<String> first = new ArrayList<>();
                for (int i = 0; i < 300; i++) first.add(d.next().name());
                int rest = 0;
                while (d.next() != null) rest++;
                d.seek(pos);
                List<String> again = new ArrayList<>();
                for (int i = 0; i < 300; i++) again.add(d.next().name());
                o.note("telldir at 5000, rest after 300 -> " + rest);
                o.note("seekdir resumes with the same 300 names -> " + first.equals(again));
                int after = 300;
                while (d.next() != null) after++;
                o.note("entries from the remembered position to the end -> " + after);
                d.rewind();
                int n = 0;
                while (d.next() != null) n++;
                o.note("after rewinddir -> " + n);
            }
            for (int i = 0; i < 10; i++) o.unlink("big/e0000" + i);
            try (Dir d = new Dir(o.base.resolve("big"))) {
                int n = 0;
                while (d.next() != null) n++;
                o.note("after 10 unlinks, readdir -> " + n);
            }
        });
    }

    @Test
    void statfsWorks() throws Exception {
        parity("statfs", o -> {
            o.put("f", "x");
            for (String p : new String[] {"", "f"}) {
                StatFs s = o.statfs(p);
                o.note("f_bsize>0 " + (s.bsize() > 0) + ", f_frsize>0 " + (s.frsize() > 0) + ", f_blocks>0 "
                        + (s.blocks() > 0) + ", f_bfree<=f_blocks " + (s.bfree() <= s.blocks()) + ", f_bavail<=f_bfree "
                        + (s.bavail() <= s.bfree()) + ", f_namelen=" + s.namelen());
            }
            o.statfs("missing");
        });
        // Same disk, so the totals agree (free space moves with other tests: not compared).
        byte[] a = new byte[128];
        byte[] b = new byte[128];
        assertEquals(0, L.statfs(c(nativeRoot.toString()), a));
        assertEquals(0, L.statfs(c(m.folder.toString()), b));
        assertEquals(StatFs.of(a).blocks() * StatFs.of(a).frsize(), StatFs.of(b).blocks() * StatFs.of(b).frsize(), "total bytes");
    }

    /**
     * Where sharefs differs from native by design (DESIGN.md, "What each FUSE call gets": chown,
     * setuid/setgid bits and device nodes are EPERM; files appear owned by the session's
     * uid/gid), plus statfs f_type, which names FUSE rather than the backing filesystem. The
     * suite runs as root, so natively all of these succeed. Every other line must still match.
     */
    @Test
    void documentedDifferences() throws Exception {
        Case c = o -> {
            o.put("f", "x");
            o.mkdir("d");
            o.chown("f", 1234, 1234);
            Stat s = o.statQuiet("f", true, null);
            o.note("owner of f -> " + s.uid() + ":" + s.gid());
            o.chown("f", 0, 0); // the session's own uid/gid: allowed everywhere
            o.chown("f", -1, -1);
            o.chown("d", -1, 1234);
            o.chmod("f", 04755);
            o.chmod("d", 02755);
            o.chmod("f", 0700); // plain permission bits: same on both
            s = o.statQuiet("f", true, null);
            o.note("mode of f -> 0" + Integer.toOctalString(s.mode() & 07777));
            int fd = o.open("suid", O_WRONLY | O_CREAT | O_EXCL, 04755);
            if (fd >= 0) L.close(fd); // quietly: the mount has no descriptor to close
            o.mknod("null-dev", S_IFCHR | 0600, (1L << 8) | 3);
            o.mknod("fifo", S_IFIFO | 0644, 0);
            o.lstat("fifo");
            StatFs fs = o.statfs("");
            o.note("f_type -> 0x" + Long.toHexString(fs.type()));
        };
        Path nb = nativeRoot.resolve("differences");
        Path fb = m.folder.resolve("differences");
        Run n = run(nb, false, c);
        Run f = run(fb, true, c);
        long nativeFsType = Long.parseLong(last(n.transcript(), "f_type -> 0x").substring("f_type -> 0x".length()), 16);
        // Expected line on each side where they differ: {native, mount}.
        Map<String, String[]> differs = Map.of(
                "chown(f, 1234, 1234)", new String[] {"0", "EPERM"},
                "owner of f", new String[] {"1234:1234", "0:0"},
                "chown(d, -1, 1234)", new String[] {"0", "EPERM"},
                "chmod(f, 04755)", new String[] {"0", "EPERM"},
                "chmod(d, 02755)", new String[] {"0", "EPERM"},
                "open(suid, O_WRONLY|O_CREAT|O_EXCL, 04755)", new String[] {"ok", "EPERM"},
                "mknod(null-dev, 020600, 259)", new String[] {"0", "EPERM"},
                "f_type", new String[] {"0x" + Long.toHexString(nativeFsType), "0x65735546"});
        System.out.printf("parity %-12s %4d ops, %5d snapshot entries, %d documented differences%n", "differences",
                n.transcript().size(), n.snapshot().size(), differs.size());
        compareTranscripts("differences", n, f, differs);
        // Snapshots: native holds the device node, the setuid file and the chowned owner; the
        // mount holds neither of the refused entries. Everything else is the same.
        List<String> nativeSnap = new ArrayList<>(n.snapshot());
        nativeSnap.removeIf(l -> l.startsWith("null-dev ") || l.startsWith("suid "));
        List<String> mountSnap = f.snapshot();
        assertEquals(String.join("\n", nativeSnap).replace("d dir nlink=2 mode=02755", "d dir nlink=2 mode=0755"),
                String.join("\n", mountSnap));

        // Ownership and set-id bits are presented, not passed through: a backing file owned by
        // another uid with setuid set shows as the session's (uid 0) without the setuid bit.
        Path back = m.backing.resolve("differences/f");
        assertEquals(0, L.chown(c(back.toString()), 4321, 4321));
        assertEquals(0, L.chmod(c(back.toString()), 04750));
        Ops o = new Ops(fb, true);
        Stat viaBacking = new Ops(m.backing.resolve("differences"), false).statQuiet("f", true, null);
        assertEquals(4321, viaBacking.uid());
        assertEquals(04750, viaBacking.mode() & 07777);
        Stat viaMount = null;
        for (long end = System.currentTimeMillis() + 3000; System.currentTimeMillis() < end; Thread.sleep(100)) {
            viaMount = o.statQuiet("f", true, null); // the kernel may cache attributes for 0.5 s
            if ((viaMount.mode() & 07777) == 0750) break;
        }
        assertEquals(0, viaMount.uid(), "uid shown is the session's");
        assertEquals(0, viaMount.gid(), "gid shown is the session's");
        assertEquals(0750, viaMount.mode() & 07777, "setuid bit never shown");
    }

    private static String last(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) if (lines.get(i).startsWith(prefix)) return lines.get(i);
        throw new AssertionError("no line " + prefix);
    }
}
