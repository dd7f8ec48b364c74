package sharefs.fs;

import jnr.ffi.Pointer;

/**
 * What the filesystem asks of the kernel connection at INIT, written into libfuse 2's struct
 * fuse_conn_info ({proto_major, proto_minor, async_read, max_write, max_readahead, capable,
 * want, ...}, all unsigned ints).
 */
final class ConnWants {
    private static final int CAPABLE = 20, WANT = 24;
    /** FUSE_CAP_ATOMIC_O_TRUNC. */
    static final int ATOMIC_O_TRUNC = 1 << 3;

    private ConnWants() {
    }

    /**
     * Asks for atomic O_TRUNC where the kernel offers it. Without it, every open with O_TRUNC
     * (each shell `>`, each editor save) costs a SETATTR(size 0) request before the OPEN; with
     * it, the OPEN carries O_TRUNC and the daemon checks and truncates in one call.
     */
    static void apply(Pointer conn) {
        if (conn == null) return;
        if ((conn.getInt(CAPABLE) & ATOMIC_O_TRUNC) != 0) conn.putInt(WANT, conn.getInt(WANT) | ATOMIC_O_TRUNC);
    }
}
