package sharefs.node;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * The libc calls the node agent needs beyond the backing layer's: sd_notify's datagram, its
 * descriptor limit, and the pipe its stderr passes through. Public because jnr-ffi implements it
 * in a class loader of its own.
 */
public interface NodeLibC {
    int socket(int domain, int type, int protocol);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    int close(int fd);

    /** struct rlimit is {rlim_cur, rlim_max}, two 64-bit words. */
    int getrlimit(int resource, @jnr.ffi.annotations.Out long[] rlim);

    int setrlimit(int resource, @In long[] rlim);

    int pipe2(@jnr.ffi.annotations.Out int[] fds, int flags);

    int dup(int fd);

    int dup2(int fd, int to);

    long read(int fd, @jnr.ffi.annotations.Out byte[] buf, long count);

    long write(int fd, @In byte[] buf, long count);

    /** The binding, made once per JVM by class initialisation (thread-safe, immutable after). */
    final class Holder {
        static final NodeLibC LIBC = LibraryLoader.create(NodeLibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }
    }

    static NodeLibC get() {
        return Holder.LIBC;
    }

    static int errno() {
        return Holder.RUNTIME.getLastError();
    }
}
