package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/** What the filesystem asks for at INIT, in libfuse 2's struct fuse_conn_info. */
class ConnWantsTest {
    private static final int CAPABLE = 20, WANT = 24;
    /** FUSE_CAP_ASYNC_READ | FUSE_CAP_BIG_WRITES, as libfuse sets them before calling init. */
    private static final int ALREADY_WANTED = 1 | (1 << 5);

    private static Pointer conn(int capable) {
        Pointer p = Memory.allocateDirect(Runtime.getSystemRuntime(), 128, true);
        p.putInt(CAPABLE, capable);
        p.putInt(WANT, ALREADY_WANTED);
        return p;
    }

    @Test
    void asksForAtomicOTruncWhenTheKernelOffersIt_keepingWhatWasWanted() {
        Pointer p = conn(0xffff);
        ConnWants.apply(p);
        assertEquals(ALREADY_WANTED | ConnWants.ATOMIC_O_TRUNC, p.getInt(WANT));
    }

    @Test
    void asksForNothingTheKernelDoesNotOffer() {
        Pointer p = conn(0xffff & ~ConnWants.ATOMIC_O_TRUNC);
        ConnWants.apply(p);
        assertEquals(ALREADY_WANTED, p.getInt(WANT));
    }

    @Test
    void noConnectionInfoIsNoOp() {
        assertDoesNotThrow(() -> ConnWants.apply(null));
    }
}
