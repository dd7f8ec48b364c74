package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Every case of {@link KernelSessionTest} again with requests served through FUSE over io_uring
 * (one ring queue per CPU), the kernel's enable_uring turned on as `sharefs node --io-uring on`
 * does; and that requests really come through the rings.
 */
class KernelUringSessionTest extends KernelSessionTest {
    @Override
    SessionConfig config() {
        assertTrue(UringSwitch.turnOn(), "this kernel (6.18) has FUSE over io_uring and root may turn it on");
        return SessionConfig.defaults().withUring(true);
    }

    @Test
    void requestsComeThroughOneRingQueuePerCpu() throws IOException {
        UringStatus st = session.uring();
        assertTrue(st.serving(), st.describe());
        assertEquals(Rings.possibleCpus(), st.queues());
        assertTrue(session.negotiated().has(InitFlags.OVER_IO_URING), session.negotiated().describe());
        long before = session.ringServed();
        for (int i = 0; i < 20; i++) {
            assertEquals("hello\n", Files.readString(mp.resolve("hello.txt")));
        }
        assertTrue(session.ringServed() >= before + 20, "ring requests " + before + " -> " + session.ringServed());
    }

    @Test
    void twoThreadsPerQueueUpToEightCpus_thenOne() {
        assertEquals(2, Rings.threadsPerQueue(1));
        assertEquals(2, Rings.threadsPerQueue(8));
        assertEquals(1, Rings.threadsPerQueue(64));
    }

    @Test
    void cpuListsAreCounted() {
        assertEquals(1, Rings.countCpus("0"));
        assertEquals(2, Rings.countCpus("0-1"));
        assertEquals(6, Rings.countCpus("0-3,5,7"));
    }
}
