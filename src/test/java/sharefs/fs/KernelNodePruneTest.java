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
 * memory runs short, so without pruning the 129th..256th new file would answer ENFILE. With
 * FUSE_NOTIFY_PRUNE (FUSE 7.45), and on older kernels with INVAL_ENTRY of each node's last name
 * (run here by telling the pruner the kernel speaks 7.44), a tree many times the budget is written
 * and stat'ed, and the table ends under budget.
 */
class KernelNodePruneTest {
    static final String OWNER = "o@x.io";
    static final int BUDGET = 256, FILES = 2000;
    /**
     * By names, a round competes with the writer for the directory's lock (the kernel invalidates
     * a name under it, and each create in it holds it), and a request cannot wait for room there
     * as it does with PRUNE: a writer that outruns the pruner by the headroom between the
     * high-water mark and the budget gets ENFILE (a 1,024 budget was outrun here with both CPUs
     * busy). So this variant paces the writer: every PACE files it lets the table come back under
     * three quarters of the budget. What it shows is that names are invalidated and their nodes
     * forgotten, not that a writer can never outrun it.
     */
    static final int PACE = 32;

    @TempDir
    Path tmp;

    @Test
    void aTreeManyTimesTheBudget_isWrittenAndStated_andTheNodeTableStaysUnderIt() throws Exception {
        writeAndStat(0);
    }

    @Test
    void withoutPrune_asOnFuse7_44_theLeastRecentlyUsedNamesAreInvalidated_andTheNodeTableStaysUnderTheBudget()
            throws Exception {
        writeAndStat(Notifier.PRUNE_MINOR - 1);
    }

    /** pruneMinor: the FUSE minor the pruner is told (0: the kernel's own, and no pacing). */
    private void writeAndStat(int pruneMinor) throws Exception {
        int budget = BUDGET, files = FILES;
        try (Mounts env = new Mounts(tmp)) {
            env.user(OWNER);
            env.folder(OWNER, "tests");
            DescriptorPool pool = new DescriptorPool(budget);
            Lent lent = new Lent(pool.open(0), SpaceGuard.NONE);
            try (KernelViewMount m = KernelViewMount.mount(env, OWNER, env.mountPoint("owner"), Duration.ofSeconds(120),
                    new FsLimits(budget, 64), lent, Passthrough.OWNED, pruneMinor)) {
                if (pruneMinor == 0) {
                    assumeTrue(m.session.negotiated().kernelMinor() >= Notifier.PRUNE_MINOR,
                            "the kernel has no FUSE_NOTIFY_PRUNE: " + m.session.negotiated().describe());
                }
                Path d = m.mountPoint.resolve("tests").resolve("many");
                Files.createDirectory(d);
                for (int i = 0; i < files; i++) {
                    Path f = d.resolve("f" + i);
                    Files.writeString(f, "x" + i);
                    assertEquals(("x" + i).length(), Files.size(f), "stat of " + f);
                    if (pruneMinor != 0 && i % PACE == 0) letTheTableComeBack(m, budget);
                }
                for (int i = 0; i < files; i++) {
                    // Throws with the errno if the stat fails (Files.exists would say false whatever it was).
                    assertTrue(Files.readAttributes(d.resolve("f" + i), java.nio.file.attribute.BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS).isRegularFile(), "f" + i + " again");
                    if (pruneMinor != 0 && i % PACE == 0) letTheTableComeBack(m, budget);
                }
                // As rsync writes: a temporary name, then a rename the kernel follows without a lookup of the new name.
                for (int i = 0; i < files; i++) {
                    Path t = d.resolve(".r" + i + ".tmp");
                    Files.writeString(t, "r" + i);
                    Path f = Files.move(t, d.resolve("r" + i));
                    assertEquals(("r" + i).length(), Files.size(f), "stat of " + f);
                    if (pruneMinor != 0 && i % PACE == 0) letTheTableComeBack(m, budget);
                }
                // The last round's FORGETs come asynchronously; the table settles under the high-water mark.
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (m.fs.nodeCount() > budget / 2 && System.nanoTime() < end) Thread.sleep(10);
                assertTrue(m.fs.nodeCount() <= budget / 2, "nodes held: " + m.fs.nodeCount());
                long[] names = m.fs.prunedNames();
                if (pruneMinor == 0) assertEquals(0, names[0], "with PRUNE, no name is invalidated");
                else assertTrue(names[0] > 0, "names invalidated: " + names[0]);
                System.out.println("names invalidated: " + names[0] + ", of them gone already: " + names[1]);
            }
            assertEquals(0, pool.used(), "every descriptor back after the unmount");
        }
    }

    /** Waits (30 s at most) until the table holds at most three quarters of the budget again. */
    private static void letTheTableComeBack(KernelViewMount m, int budget) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (m.fs.nodeCount() > budget * 3 / 4 && System.nanoTime() < end) Thread.sleep(1);
    }
}
