package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import sharefs.testing.MountDeadline;

/**
 * {@link KernelLifecycleTest}'s cases with requests served through FUSE over io_uring: a hung
 * request on a ring queue ends with the abort as on the device; and the ring queue threads end
 * with the connection.
 */
class KernelUringLifecycleTest extends KernelLifecycleTest {
    @Override
    SessionConfig config() {
        assertTrue(UringSwitch.turnOn(), "this kernel (6.18) has FUSE over io_uring and root may turn it on");
        return super.config().withUring(true);
    }

    private static List<Thread> ringThreads(String mountName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("fuse-" + mountName + "-ring-")).toList();
    }

    @Test
    void unmountEndsTheRingQueues() throws Exception {
        MemoryFs fs = new MemoryFs();
        fs.file("f", "x".getBytes());
        Session s = mount("ring-end", fs);
        try (MountDeadline d = MountDeadline.of(Duration.ofSeconds(60), "session " + s.connection(), s::abort)) {
            assertTrue(s.uring().serving(), s.uring().describe());
            long before = s.ringServed();
            assertEquals("x", Files.readString(tmp.resolve("ring-end/f")));
            assertTrue(s.ringServed() > before, "the read came through a ring queue");
            List<Thread> rings = ringThreads("ring-end");
            assertEquals(Rings.possibleCpus() * Rings.threadsPerQueue(Rings.possibleCpus()), rings.size(), "threads per CPU queue: " + rings);
            s.close();
            assertTrue(s.awaitEnd(Duration.ofSeconds(20)), "the session ended");
            for (Thread t : rings) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName());
            }
            assertFalse(Sh.mounted(tmp.resolve("ring-end")));
        } finally {
            s.close();
        }
    }
}
