package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.backing.Errno;
import sharefs.backing.FolderRoot;
import sharefs.fuse.kernel.Notifier;

/**
 * Which notice the pruner sends for which node (no mount): FUSE_NOTIFY_PRUNE by id on 7.45, else
 * INVAL_ENTRY of each node's last entry, leaves only; least recently used first, never a node
 * with an open handle, never twice before it is looked up again, and down to the low-water mark.
 */
class NodePrunerTest {
    static final String FOLDER = NodeTableTest.FOLDER;

    @TempDir
    Path dir;
    FolderRoot root;
    NodeTable table;
    final Fake kernel = new Fake();

    /** The kernel, as far as the pruner sees it: what it was asked, in order, and what it answers. */
    static final class Fake implements NodePruner.Kernel {
        final List<String> asked = new ArrayList<>();
        final Map<String, Integer> answers = new HashMap<>();

        @Override
        public int prune(long[] ids, int count) {
            StringBuilder b = new StringBuilder("prune");
            for (int i = 0; i < count; i++) b.append(' ').append(ids[i]);
            asked.add(b.toString());
            return 0;
        }

        @Override
        public int invalEntry(long parent, byte[] name) {
            String s = "inval " + parent + " " + new String(name, StandardCharsets.UTF_8);
            asked.add(s);
            return answers.getOrDefault(s, 0);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        for (String n : new String[] {"top", "a", "b", "c", "d", "e", "f"}) Files.writeString(dir.resolve(n), n);
        root = FolderRoot.open(dir);
        // High water 3, low water 1: the fourth node makes a round that asks for all but one.
        table = new NodeTable(new DescriptorPool(100).open(0), 3);
    }

    @AfterEach
    void tearDown() {
        table.closeAll();
        root.close();
    }

    /** A lookup of file (opened under the temp dir) given to the kernel as name in parent (null: the view root). */
    KernelNode found(String file, boolean top, KernelNode parent, String name) {
        NodeTableTest.Found f = NodeTableTest.open(root, file);
        return table.found(FOLDER, top, f.fd(), f.dev(), f.ino(), parent,
                name == null ? null : name.getBytes(StandardCharsets.UTF_8));
    }

    NodePruner pruner(int minor) {
        NodePruner p = new NodePruner(table, 1, Runnable::run);
        p.attach(kernel, minor);
        return p;
    }

    @Test
    void onFuse7_44_theLeastRecentlyUsedLeavesWithoutHandles_getInvalEntryOfTheirLastName_downToTheLowWaterMark() {
        NodePruner p = pruner(Notifier.PRUNE_MINOR - 1);
        assertTrue(p.byName());
        KernelNode top = found("top", true, null, "tests");
        found("a", false, top, "a");
        KernelNode b = found("b", false, top, "b");
        table.opened(b.id);
        assertEquals(List.of(), kernel.asked, "at the high-water mark, not past it");
        table.get(top.id); // a use: the top is younger than a and b now
        found("c", false, top, "c");
        assertEquals(List.of("inval " + top.id + " a", "inval " + top.id + " c"), kernel.asked,
                "4 nodes, 1 to keep: a and c; not b (open: the kernel keeps it), not the top (its entry would take a, b and c)");
        assertEquals(2, p.namesAsked());
        assertEquals(0, p.namesGone());
        p.close();
    }

    @Test
    void onFuse7_45_theNodesGoAsOnePruneOfIds_directoriesWithChildrenToo_andNoNameIsInvalidated() {
        NodePruner p = pruner(Notifier.PRUNE_MINOR);
        assertFalse(p.byName());
        KernelNode top = found("top", true, null, "tests");
        KernelNode a = found("a", false, top, "a");
        KernelNode b = found("b", false, top, "b");
        table.opened(b.id);
        table.get(top.id);
        KernelNode c = found("c", false, top, "c");
        assertEquals(List.of("prune " + a.id + " " + top.id + " " + c.id), kernel.asked,
                "PRUNE drops only what is unused: the kernel keeps a directory with cached children itself");
        assertEquals(0, p.namesAsked());
        p.close();
    }

    @Test
    void theNameAskedFor_isTheLastOneTheKernelGot_aDotLookupKeepsIt_aRenameMovesIt_andADirectoryGoesAfterItsChildren() {
        NodePruner p = pruner(Notifier.PRUNE_MINOR - 1);
        KernelNode top = found("top", true, null, "tests");
        KernelNode a = found("a", false, top, "a");
        found("a", false, top, "second-link");           // a hard link's lookup: the kernel's newest dentry of it
        found("a", false, null, null);                   // "." of it: no new name
        KernelNode b = found("b", false, top, "b");
        NodeTableTest.Found bf = NodeTableTest.open(root, "b");
        sharefs.backing.NodeCalls.close(bf.fd());
        table.moved(FOLDER, bf.dev(), bf.ino(), top, "renamed".getBytes(StandardCharsets.UTF_8));
        table.topMoved(FOLDER, "tests2".getBytes(StandardCharsets.UTF_8));
        KernelNode c = found("c", false, top, "c");
        assertEquals(List.of("inval " + top.id + " second-link", "inval " + top.id + " renamed", "inval " + top.id + " c"),
                kernel.asked, "the top has children: not asked for");
        kernel.asked.clear();
        // The kernel let them go: the top is a leaf now.
        table.forget(a.id, 3);
        table.forget(b.id, 1);
        table.forget(c.id, 1);
        found("d", false, null, "d");
        found("e", false, null, "e");
        found("f", false, null, "f");
        assertEquals(List.of("inval " + NodeTable.ROOT + " tests2", "inval " + NodeTable.ROOT + " d",
                "inval " + NodeTable.ROOT + " e"), kernel.asked);
        p.close();
    }

    @Test
    void aNameTheKernelNoLongerHas_answersEnoent_isCounted_andItsNodeIsNotAskedForAgainUntilLookedUpAgain() {
        NodePruner p = pruner(Notifier.PRUNE_MINOR - 1);
        KernelNode top = found("top", true, null, "tests");
        table.opened(top.id);
        found("a", false, top, "a");
        found("b", false, top, "b");
        kernel.answers.put("inval " + top.id + " a", -Errno.ENOENT);
        found("c", false, top, "c");
        assertEquals(List.of("inval " + top.id + " a", "inval " + top.id + " b", "inval " + top.id + " c"), kernel.asked);
        assertEquals(3, p.namesAsked());
        assertEquals(1, p.namesGone(), "a's name was gone already");
        kernel.asked.clear();
        found("d", false, top, "d");
        assertEquals(List.of("inval " + top.id + " d"), kernel.asked, "a, b and c are not asked for twice; the top is open");
        kernel.asked.clear();
        kernel.answers.clear();
        found("a", false, top, "a");   // looked up again: the kernel holds it anew
        found("e", false, top, "e");
        assertEquals(List.of("inval " + top.id + " a", "inval " + top.id + " e"), kernel.asked);
        p.close();
    }

    @Test
    void onceClosed_nothingMoreIsAsked() {
        NodePruner p = pruner(Notifier.PRUNE_MINOR - 1);
        p.close();
        KernelNode top = found("top", true, null, "tests");
        for (String n : new String[] {"a", "b", "c"}) found(n, false, top, n);
        assertEquals(List.of(), kernel.asked);
    }
}
