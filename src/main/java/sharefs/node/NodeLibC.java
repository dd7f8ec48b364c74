package sharefs.node;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/** The few libc calls the node agent needs beyond the backing layer's: its umask and sd_notify's datagram. */
public interface NodeLibC {
    int umask(int mask);

    int socket(int domain, int type, int protocol);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    int close(int fd);

    /** struct rlimit is {rlim_cur, rlim_max}, two 64-bit words. */
    int getrlimit(int resource, @jnr.ffi.annotations.Out long[] rlim);

    int setrlimit(int resource, @In long[] rlim);

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
