package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fuse.kernel.Notifier;

/**
 * The kernel engine on a small descriptor budget: the kernel keeps every node it looked up until
 * memory runs short, so without FUSE_NOTIFY_PRUNE the 129th..256th new file would answer ENFILE.
 * With it, a tree many times the budget is written and stat'ed, and the table ends under budget.
 */
class KernelNodePruneTest {
    static final String OWNER = "o@x.io";
    static final int BUDGET = 256, FILES = 2000;

    @TempDir
    Path tmp;

    @Test
    void aTreeManyTimesTheBudget_isWrittenAndStated_andTheNodeTableStaysUnderIt() throws Exception {
        try (Mounts env = new Mounts(tmp)) {
            env.user(OWNER);
            env.folder(OWNER, "tests");
            DescriptorPool pool = new DescriptorPool(BUDGET);
            Lent lent = new Lent(pool.open(0), SpaceGuard.NONE);
            try (KernelViewMount m = KernelViewMount.mount(env, OWNER, env.mountPoint("owner"), Duration.ofSeconds(120),
                    new FsLimits(BUDGET, 64), lent)) {
                assumeTrue(m.session.negotiated().kernelMinor() >= Notifier.PRUNE_MINOR,
                        "the kernel has no FUSE_NOTIFY_PRUNE: " + m.session.negotiated().describe());
                Path d = m.mountPoint.resolve("tests").resolve("many");
                Files.createDirectory(d);
                for (int i = 0; i < FILES; i++) {
                    Path f = d.resolve("f" + i);
                    Files.writeString(f, "x" + i);
                    assertEquals(("x" + i).length(), Files.size(f), "stat of " + f);
                }
                for (int i = 0; i < FILES; i++) {
                    assertTrue(Files.exists(d.resolve("f" + i), LinkOption.NOFOLLOW_LINKS), "f" + i + " again");
                }
                // The last prune's FORGETs come asynchronously; the table settles under the high-water mark.
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (m.fs.nodeCount() > BUDGET / 2 && System.nanoTime() < end) Thread.sleep(10);
                assertTrue(m.fs.nodeCount() <= BUDGET / 2, "nodes held: " + m.fs.nodeCount());
            }
            assertEquals(0, pool.used(), "every descriptor back after the unmount");
        }
    }
}
