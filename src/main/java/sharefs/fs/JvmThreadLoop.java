package sharefs.fs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.FuseOperations;
import sharefs.backing.Errno;

/**
 * Runs the libfuse request loop on a fixed pool of JVM threads instead of fuse_main's own
 * pthreads. jffi attaches a foreign thread to the JVM for every callback and detaches it after,
 * creating a java.lang.Thread each time: measured at ~50 us per FUSE request, more than the rest
 * of the request. Threads the JVM started are attached already, so callbacks cost a call.
 */
final class JvmThreadLoop {
    private static final Logger log = LoggerFactory.getLogger(JvmThreadLoop.class);
    /**
     * Workers at the start, and the most there will be. Like libfuse's own loop, a worker is added
     * only when a request arrives and none is left waiting for the next one: a sequential
     * caller is then served by the same two threads in turn. With a fixed pool of 12, the kernel
     * wakes its waiters in turn, so each request landed on a thread that had slept longest,
     * often on the other CPU (perf stat, fio randrw 4k, 1 job: 0.17 migrations per request
     * against 0.07-0.08 this way, and ~25% fewer IOPS).
     */
    static final int MIN_WORKERS = 2;
    /** libfuse 2 keeps up to 10 idle workers; the kernel has up to 12 background requests in flight. */
    static final int MAX_WORKERS = 16;
    // struct fuse_buf { size_t size; enum flags; void *mem; int fd; off_t pos; } on LP64.
    private static final int BUF_STRUCT = 40;
    private static final int BUF_SIZE_AT = 0;
    private static final int BUF_MEM_AT = 16;

    private final LibFuseLoop lib;
    private final Runtime runtime;
    /** Workers blocked in receive_buf, ready for the next request. */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private int started;
    private int running;

    private JvmThreadLoop(LibFuseLoop lib) {
        this.lib = lib;
        this.runtime = Runtime.getRuntime(lib);
    }

    /** Null when this libfuse lacks the calls (then fuse_main's own loop is used). */
    static JvmThreadLoop load() {
        LibFuseLoop lib = Binding.LIB;
        return lib == null ? null : new JvmThreadLoop(lib);
    }

    /**
     * The libfuse binding, made once per JVM (jnr-ffi generates a class for it, tens of
     * milliseconds and some metaspace that every mount of an agent would pay again); immutable
     * after class initialisation, so every mount shares it.
     */
    private static final class Binding {
        static final LibFuseLoop LIB = bind();

        private static LibFuseLoop bind() {
            try {
                return LibraryLoader.create(LibFuseLoop.class).failImmediately().load("fuse");
            } catch (Throwable t) {
                try {
                    return LibraryLoader.create(LibFuseLoop.class).failImmediately().load("libfuse.so.2");
                } catch (Throwable t2) {
                    log.warn("libfuse session calls unavailable ({}); using fuse_main's threads", t2.toString());
                    return null;
                }
            }
        }
    }

    /**
     * Mounts and serves until unmounted; returns 0, or non-zero if libfuse could not mount (it
     * said why on stderr). The mountpoint is opened first without following any symlink, and the
     * mount is made on that descriptor (/proc/self/fd/N): were a directory on the path swapped for
     * a symlink after the checks, the view still lands on the directory that was checked, never
     * elsewhere. That is why this calls fuse_mount and fuse_new rather than fuse_setup, whose
     * argument parsing would resolve the path again with realpath(3).
     */
    int run(FuseOperations ops, Path mountPoint, String[] options) {
        int dirFd = MountPointFd.open(mountPoint);
        String target = "/proc/self/fd/" + dirFd;
        Pointer chan;
        Pointer fuse;
        try {
            FuseArgs args = new FuseArgs(runtime, options);
            chan = lib.fuse_mount(target, args.pointer());
            if (chan == null) return 1;
            fuse = FuseNew.call(runtime, chan, args, ops);
            if (fuse == null) {
                lib.fuse_unmount(target, chan);
                return 1;
            }
        } catch (RuntimeException | Error e) {
            MountPointFd.close(dirFd);
            throw e;
        }
        try {
            serveUntilUnmounted(fuse, chan);
            // What fuse_teardown does but for its signal handlers, which fuse_new never installed (the
            // JVM owns the signals). Once unmounted, fuse_unmount only sees so on the channel.
            lib.fuse_unmount(target, chan);
            lib.fuse_destroy(fuse);
        } finally {
            MountPointFd.close(dirFd);
        }
        return 0;
    }

    private void serveUntilUnmounted(Pointer fuse, Pointer chan) {
        Pointer session = lib.fuse_get_session(fuse);
        long bufSize = lib.fuse_chan_bufsize(chan);
        boolean interrupted = false;
        synchronized (this) {
            for (int i = 0; i < MIN_WORKERS; i++) startWorker(session, chan, bufSize);
            while (running > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // Ask the workers to stop, and keep waiting for them (without spinning on the flag).
                    interrupted = true;
                    lib.fuse_session_exit(session);
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Caller holds this monitor. */
    private void startWorker(Pointer session, Pointer chan, long bufSize) {
        Thread t = new Thread(() -> {
            try {
                serve(session, chan, bufSize);
            } finally {
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        }, "sharefs-fuse-" + started);
        t.setDaemon(true);
        started++;
        running++;
        t.start();
    }

    /** A request just took the last waiting worker: add one, up to the maximum, unless shutting down. */
    private void growIfNone(Pointer session, Pointer chan, long bufSize) {
        synchronized (this) {
            if (waiting.get() == 0 && started < MAX_WORKERS && lib.fuse_session_exited(session) == 0) {
                startWorker(session, chan, bufSize);
            }
        }
    }

    private void serve(Pointer session, Pointer chan, long bufSize) {
        ThreadUmask.clearForThisThread();
        Pointer data = Memory.allocateDirect(runtime, bufSize);
        Pointer buf = Memory.allocateDirect(runtime, BUF_STRUCT);
        Pointer chanRef = Memory.allocateDirect(runtime, 8);
        while (lib.fuse_session_exited(session) == 0) {
            // receive_buf may point mem elsewhere (splice) and shrink size: reset both every time.
            for (int i = 0; i < BUF_STRUCT; i += 8) buf.putLong(i, 0);
            buf.putLong(BUF_SIZE_AT, bufSize);
            buf.putAddress(BUF_MEM_AT, data.address());
            chanRef.putAddress(0, chan.address());
            waiting.incrementAndGet();
            int res = lib.fuse_session_receive_buf(session, buf, chanRef);
            if (waiting.decrementAndGet() == 0 && res > 0) growIfNone(session, chan, bufSize);
            if (res == -Errno.EINTR) continue;
            if (res <= 0) {
                // 0 or -ENODEV: unmounted. Anything else: stop serving rather than spin.
                if (res < 0 && res != -Errno.ENODEV) log.error("reading /dev/fuse failed: errno {}", -res);
                lib.fuse_session_exit(session);
                return;
            }
            lib.fuse_session_process_buf(session, buf, chanRef.getPointer(0));
        }
    }
}
