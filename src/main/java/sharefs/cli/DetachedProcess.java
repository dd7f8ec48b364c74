package sharefs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import sharefs.backing.LibC;

/**
 * A child started by posix_spawn in a session of its own: stdin /dev/null, stdout a pipe this
 * process reads, stderr appended to a log, and no other descriptor inherited.
 *
 * <p>Why not ProcessBuilder: the JDK gives every child a reaper thread blocked in waitpid, and a
 * JVM about to exit waits up to 300 ms for a thread still in native code. A daemon outlives the
 * CLI that started it, so every `sharefs mount` paid those 300 ms on exit. Here nobody waits on
 * the child but the caller, through {@link #reap}.
 */
public final class DetachedProcess implements AutoCloseable {
    /** The glibc calls used; glibc 2.34+ for addclosefrom_np (older ones skip closing). */
    public interface Posix {
        int pipe2(@Out int[] fds, int flags);
        int posix_spawn_file_actions_init(Pointer actions);
        int posix_spawn_file_actions_destroy(Pointer actions);
        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);
        int posix_spawn_file_actions_addopen(Pointer actions, int fd, @In byte[] path, int flags, int mode);
        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);
        int posix_spawnattr_init(Pointer attr);
        int posix_spawnattr_destroy(Pointer attr);
        int posix_spawnattr_setflags(Pointer attr, short flags);
        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
        int posix_spawnp(@Out int[] pid, @In byte[] file, Pointer actions, Pointer attr, Pointer argv, Pointer envp);
        long read(int fd, @Out byte[] buf, long count);
        int close(int fd);
        int waitpid(int pid, @Out int[] status, int options);
    }

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int EINTR = 4;
    /** Generous upper bounds of glibc's posix_spawn_file_actions_t (80), posix_spawnattr_t (336), sigset_t (128). */
    private static final int OPAQUE_BYTES = 512;

    private final Posix posix;
    private final Runtime runtime;
    private final int pid;
    private int readFd;

    private DetachedProcess(Posix posix, Runtime runtime, int pid, int readFd) {
        this.posix = posix;
        this.runtime = runtime;
        this.pid = pid;
        this.readFd = readFd;
    }

    static DetachedProcess start(List<String> argv, Path stderrLog) throws IOException {
        Posix posix;
        try {
            posix = Binding.POSIX;
        } catch (LinkageError | RuntimeException e) {
            throw new IOException("cannot bind libc to start a process: " + e, e);
        }
        Runtime rt = Runtime.getRuntime(posix);
        int[] fds = new int[2];
        if (posix.pipe2(fds, O_CLOEXEC) != 0) throw new IOException("pipe2 failed: errno " + rt.getLastError());
        Pointer actions = Memory.allocateDirect(rt, OPAQUE_BYTES, true);
        Pointer attr = Memory.allocateDirect(rt, OPAQUE_BYTES, true);
        Pointer emptyMask = Memory.allocateDirect(rt, OPAQUE_BYTES, true);
        List<Pointer> keepAlive = new ArrayList<>();
        try {
            posix.posix_spawn_file_actions_init(actions);
            posix.posix_spawnattr_init(attr);
            try {
                check(rt, posix.posix_spawn_file_actions_addopen(actions, 0, cstr("/dev/null"), O_RDONLY, 0), "stdin");
                check(rt, posix.posix_spawn_file_actions_adddup2(actions, fds[1], 1), "stdout");
                check(rt, posix.posix_spawn_file_actions_addopen(actions, 2, cstr(stderrLog.toString()),
                        O_WRONLY | O_CREAT | O_APPEND, 0600), "stderr");
                try {
                    // The JVM's own descriptors (the jar, archives, sockets) are no business of the child's.
                    posix.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                } catch (LinkageError e) {
                    // glibc < 2.34: most of the JVM's descriptors are close-on-exec anyway.
                }
                // A fresh session (no controlling terminal, no job-control signals from ours) and
                // no signal blocked that the spawning JVM thread happened to block.
                check(rt, posix.posix_spawnattr_setsigmask(attr, emptyMask), "signal mask");
                check(rt, posix.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK)), "flags");
                int[] pid = new int[1];
                int rc = posix.posix_spawnp(pid, cstr(argv.get(0)), actions, attr,
                        strings(rt, argv, keepAlive), strings(rt, environment(), keepAlive));
                if (rc != 0) throw new IOException("cannot start " + argv.get(0) + ": errno " + rc);
                posix.close(fds[1]);
                fds[1] = -1;
                return new DetachedProcess(posix, rt, pid[0], fds[0]);
            } finally {
                posix.posix_spawn_file_actions_destroy(actions);
                posix.posix_spawnattr_destroy(attr);
            }
        } catch (IOException | RuntimeException | Error e) {
            posix.close(fds[0]);
            if (fds[1] >= 0) posix.close(fds[1]);
            throw e;
        }
    }

    /**
     * Builds the libc binding on a side thread: jnr-ffi generates its class, a tenth of a second
     * that `mount` can spend while picocli parses the command line instead of after.
     */
    static void prepareInBackground() {
        Thread t = new Thread(() -> {
            try {
                Binding.POSIX.getClass();
            } catch (LinkageError | RuntimeException e) {
                // start() reports it, if it is ever called.
            }
        }, "sharefs-spawn-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The binding, made once per JVM by class initialisation (thread-safe, immutable after). */
    private static final class Binding {
        static final Posix POSIX = LibraryLoader.create(Posix.class).load("c");
    }

    long pid() {
        return pid;
    }

    /** The child's stdout; reads return -1 once every writer has closed it. */
    InputStream stdout() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (readFd < 0) return -1;
                byte[] buf = off == 0 ? b : new byte[len];
                while (true) {
                    long n = posix.read(readFd, buf, len);
                    if (n < 0 && runtime.getLastError() == EINTR) continue;
                    if (n < 0) throw new IOException("read from the daemon failed: errno " + runtime.getLastError());
                    if (n == 0) return -1;
                    if (buf != b) System.arraycopy(buf, 0, b, off, (int) n);
                    return (int) n;
                }
            }
        };
    }

    /** Waits for the child to exit; its exit status, or -1 if it was killed by a signal or is not ours. */
    int reap() {
        int[] status = new int[1];
        int rc;
        do {
            rc = posix.waitpid(pid, status, 0);
        } while (rc < 0 && runtime.getLastError() == EINTR);
        if (rc != pid) return -1;
        return (status[0] & 0x7f) == 0 ? (status[0] >> 8) & 0xff : -1;
    }

    /** Closes our end of the pipe; the child's later writes to stdout get EPIPE. */
    @Override
    public void close() {
        if (readFd >= 0) {
            posix.close(readFd);
            readFd = -1;
        }
    }

    private static void check(Runtime rt, int rc, String what) throws IOException {
        if (rc != 0) throw new IOException("cannot prepare the daemon's " + what + ": errno " + rc);
    }

    private static List<String> environment() {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) env.add(e.getKey() + "=" + e.getValue());
        return env;
    }

    /** A NULL-terminated char*[] of strings; the memory is held in keepAlive until the spawn is done. */
    private static Pointer strings(Runtime rt, List<String> values, List<Pointer> keepAlive) {
        int word = rt.addressSize();
        Pointer array = Memory.allocateDirect(rt, (values.size() + 1) * word, true);
        keepAlive.add(array);
        for (int i = 0; i < values.size(); i++) {
            byte[] s = cstr(values.get(i));
            Pointer p = Memory.allocateDirect(rt, s.length, false);
            p.put(0, s, 0, s.length);
            keepAlive.add(p);
            array.putPointer((long) i * word, p);
        }
        return array;
    }

    /** LibC.cstr, which leaves rejecting NUL to its callers. */
    private static byte[] cstr(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in a process argument");
        return LibC.cstr(s);
    }
}
