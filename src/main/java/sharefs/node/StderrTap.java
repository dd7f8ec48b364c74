package sharefs.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's stderr, passed through a pipe it reads itself. libfuse and the fusermount it runs
 * say why a mount failed only on stderr (the agent's log); with the last lines kept here, a failed
 * mount can give its caller libfuse's own words. Everything is still written on to the real
 * stderr, at once; the pipe is always drained, so no writer ever waits on it.
 */
final class StderrTap {
    private static final Logger log = LoggerFactory.getLogger(StderrTap.class);
    private static final int KEEP_LINES = 200;
    private static final int O_CLOEXEC = 02000000;

    private record Line(long seq, String text) {
    }

    private final Deque<Line> lines = new ArrayDeque<>();
    private long seq;

    private StderrTap() {
    }

    /** Taps fd 2 of this process; null (and stderr left as it was) if that cannot be done. */
    static StderrTap install() {
        try {
            NodeLibC c = NodeLibC.get();
            int[] p = new int[2];
            if (c.pipe2(p, O_CLOEXEC) != 0) return null;
            int original = c.dup(2);
            if (original < 0 || c.dup2(p[1], 2) < 0) {
                c.close(p[0]);
                c.close(p[1]);
                if (original >= 0) c.close(original);
                return null;
            }
            c.close(p[1]);
            StderrTap tap = new StderrTap();
            Thread t = new Thread(() -> tap.pump(c, p[0], original), "sharefs-stderr");
            t.setDaemon(true);
            t.start();
            // At exit, what is still in the pipe (the last log lines) must reach the real stderr:
            // give fd 2 back, so the pipe's last write end closes and the pump drains it to EOF.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                c.dup2(original, 2);
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sharefs-stderr-drain"));
            return tap;
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot tap stderr: {}", e.toString());
            return null;
        }
    }

    private void pump(NodeLibC c, int from, int to) {
        byte[] buf = new byte[8192];
        StringBuilder partial = new StringBuilder();
        while (true) {
            long n = c.read(from, buf, buf.length);
            if (n == 0) return;
            if (n < 0) continue; // EINTR; EOF comes only once fd 2 is given back at exit
            long off = 0;
            while (off < n) {
                byte[] rest = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, (int) off, (int) n);
                long w = c.write(to, rest, n - off);
                if (w <= 0) break; // a stderr nobody reads: drop, never block the writers
                off += w;
            }
            partial.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                keep(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
            if (partial.length() > 4096) {
                keep(partial.toString());
                partial.setLength(0);
            }
        }
    }

    private synchronized void keep(String text) {
        lines.addLast(new Line(++seq, text));
        if (lines.size() > KEEP_LINES) lines.removeFirst();
    }

    /** A mark to read back from. */
    synchronized long mark() {
        return seq;
    }

    /** Lines written since mark that libfuse or fusermount wrote (they start with their name). */
    synchronized List<String> fuseLinesSince(long mark) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.seq() > mark && (l.text().startsWith("fuse:") || l.text().startsWith("fusermount:"))) out.add(l.text().strip());
        }
        return out;
    }
}
