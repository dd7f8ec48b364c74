package sharefs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An fsx-style exerciser: random writes, truncates up and down, shared-mmap writes, fsyncs and
 * reopenings on several files from several threads, every read checked against an in-memory
 * model of the file, and each file compared with its model (through the mount and in the backing
 * directory) at the end. Each thread owns its files, so the model is exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FsxTest {
    /** The engine the mount runs on: kernel, the default ({@code Libfuse2FsxTest} runs libfuse2). */
    String engine() {
        return "kernel";
    }

    private static final int MAX_LEN = 1 << 20;

    Mounted m;

    @BeforeAll
    void mount(@TempDir Path dir) throws Exception {
        m = new Mounted(dir, "data", engine(), nodeOptions());
    }

    /** The node agent's options (none: the defaults, as `sharefs mount` starts it). */
    List<String> nodeOptions() {
        return List.of();
    }

    @AfterAll
    void unmount() {
        if (m != null) m.close();
    }

    @Test
    void shortRunHasNoMismatch() throws Exception {
        Result r = run(4, 2, 40_000, 1);
        System.out.printf("fsx short: %d ops, %d mismatches%n", r.ops, r.mismatches);
        assertEquals(0, r.mismatches);
    }

    @Test
    @Tag("long")
    void millionOperationsHaveNoMismatch() throws Exception {
        Result r = run(8, 4, 1_000_000, 2);
        System.out.printf("fsx long: %d ops, %d mismatches%n", r.ops, r.mismatches);
        assertEquals(0, r.mismatches);
    }

    record Result(long ops, long mismatches) {
    }

    private Result run(int files, int threads, long totalOps, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong ops = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Path> mine = new ArrayList<>();
            for (int f = t; f < files; f += threads) mine.add(m.folder.resolve("fsx-" + seed + "-" + f));
            long perThread = totalOps / threads;
            Random rnd = new Random(seed * 1000 + t);
            futures.add(pool.submit(() -> {
                for (Path p : mine) exercise(p, rnd, perThread / mine.size(), ops, mismatches);
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        return new Result(ops.get(), mismatches.get());
    }

    private void exercise(Path p, Random rnd, long count, AtomicLong ops, AtomicLong mismatches) throws IOException {
        byte[] model = new byte[0];
        FileChannel ch = open(p);
        try {
            for (long i = 0; i < count; i++) {
                int op = rnd.nextInt(100);
                if (op < 35) {
                    model = write(ch, model, rnd);
                } else if (op < 65) {
                    if (!read(ch, model, rnd)) mismatches.incrementAndGet();
                } else if (op < 75) {
                    model = truncate(ch, model, rnd);
                } else if (op < 83) {
                    model = mappedWrite(ch, model, rnd);
                } else if (op < 88) {
                    ch.force(rnd.nextBoolean());
                } else if (op < 92) {
                    ch.close();
                    ch = open(p);
                } else {
                    if (!read(ch, model, rnd)) mismatches.incrementAndGet();
                }
                ops.incrementAndGet();
            }
            ch.force(true);
        } finally {
            ch.close();
        }
        byte[] viaMount = Files.readAllBytes(p);
        byte[] viaBacking = Files.readAllBytes(m.backing.resolve(p.getFileName().toString()));
        if (!Arrays.equals(model, viaMount) || !Arrays.equals(model, viaBacking)) {
            mismatches.incrementAndGet();
            assertArrayEquals(model, viaMount, "final bytes through the mount of " + p);
            assertArrayEquals(model, viaBacking, "final bytes in the backing directory of " + p);
        }
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static byte[] write(FileChannel ch, byte[] model, Random rnd) throws IOException {
        int off = rnd.nextInt(Math.max(1, Math.min(MAX_LEN, model.length + 64 * 1024)));
        int len = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 256 * 1024 : 8 * 1024);
        if (off + len > MAX_LEN) len = MAX_LEN - off;
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        ByteBuffer b = ByteBuffer.wrap(data);
        long pos = off;
        while (b.hasRemaining()) pos += ch.write(b, pos);
        byte[] next = model.length >= off + len ? model : Arrays.copyOf(model, off + len);
        System.arraycopy(data, 0, next, off, len);
        return next;
    }

    private static boolean read(FileChannel ch, byte[] model, Random rnd) throws IOException {
        if (model.length == 0) return ch.size() == 0;
        int off = rnd.nextInt(model.length);
        int len = 1 + rnd.nextInt(Math.min(model.length - off + 100, 128 * 1024));
        ByteBuffer b = ByteBuffer.allocate(len);
        long pos = off;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n <= 0) break;
            pos += n;
        }
        int expectLen = Math.min(len, model.length - off);
        if (b.position() != expectLen) {
            System.err.printf("fsx: short read at %d: got %d expected %d%n", off, b.position(), expectLen);
            return false;
        }
        byte[] got = Arrays.copyOf(b.array(), expectLen);
        byte[] want = Arrays.copyOfRange(model, off, off + expectLen);
        if (!Arrays.equals(got, want)) {
            System.err.printf("fsx: mismatch reading %d bytes at %d%n", expectLen, off);
            return false;
        }
        return true;
    }

    private static byte[] truncate(FileChannel ch, byte[] model, Random rnd) throws IOException {
        int len = rnd.nextInt(MAX_LEN / 2);
        if (len < model.length) {
            ch.truncate(len);
        } else {
            // Growing: FileChannel.truncate only shrinks, so write one zero byte at the new end.
            if (len > 0) ch.write(ByteBuffer.wrap(new byte[1]), len - 1);
        }
        return Arrays.copyOf(model, len);
    }

    private static byte[] mappedWrite(FileChannel ch, byte[] model, Random rnd) throws IOException {
        if (model.length == 0) return model;
        int off = rnd.nextInt(model.length);
        int len = 1 + rnd.nextInt(Math.min(model.length - off, 16 * 1024));
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_WRITE, off, len);
        mb.put(data);
        mb.force();
        byte[] next = model.clone();
        System.arraycopy(data, 0, next, off, len);
        return next;
    }

    static void failIf(boolean b, String m) {
        if (b) fail(m);
    }
}
