package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.backing.FolderRoot;
import sharefs.backing.NodeCalls;
import sharefs.backing.StatBuf;

/** The kernel engine's node table, on real O_PATH descriptors (no mount). */
class NodeTableTest {
    static final String FOLDER = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    @TempDir
    Path dir;

    /** An O_PATH descriptor of name in root, with its (dev, ino). */
    record Found(int fd, long dev, long ino) {
    }

    static Found open(FolderRoot root, String name) {
        int dfd = root.openRootPath();
        assertTrue(dfd >= 0);
        try {
            int fd = NodeCalls.openPath(dfd, NodeCalls.component(name.getBytes()));
            assertTrue(fd >= 0, "open " + name + ": " + fd);
            Pointer st = StatBuf.allocate();
            assertEquals(0, NodeCalls.stat(fd, st));
            return new Found(fd, StatBuf.dev(st), StatBuf.ino(st));
        } finally {
            NodeCalls.close(dfd);
        }
    }

    static KernelNode found(NodeTable t, Found f) {
        return t.found(FOLDER, false, f.fd(), f.dev(), f.ino(), null, null);
    }

    @Test
    void hardLinksShareANode_whichGoesWithItsLastLookup() throws IOException {
        Files.writeString(dir.resolve("a"), "x");
        Files.createLink(dir.resolve("b"), dir.resolve("a"));
        Files.writeString(dir.resolve("c"), "y");
        try (FolderRoot root = FolderRoot.open(dir)) {
            DescriptorPool pool = new DescriptorPool(100);
            DescriptorPool.Account account = pool.open(0);
            NodeTable t = new NodeTable(account, Integer.MAX_VALUE);
            KernelNode a = found(t, open(root, "a"));
            KernelNode b = found(t, open(root, "b"));
            KernelNode c = found(t, open(root, "c"));
            assertSame(a, b, "two names of one file are one node");
            assertNotEquals(a.id, c.id);
            assertEquals(2, t.size());
            assertEquals(2, pool.used(), "one descriptor per node, the second name's was closed");
            t.forget(a.id, 1);
            assertSame(a, t.get(a.id), "one lookup is left");
            t.forget(a.id, 1);
            assertNull(t.get(a.id));
            assertEquals(1, pool.used());
            KernelNode again = found(t, open(root, "a"));
            assertTrue(again.id > c.id, "ids are never reused");
            t.closeAll();
            assertEquals(0, pool.used());
        }
    }

    @Test
    void aNodeThePoolCannotPayFor_isRefused() throws IOException {
        Files.writeString(dir.resolve("a"), "x");
        Files.writeString(dir.resolve("b"), "y");
        try (FolderRoot root = FolderRoot.open(dir)) {
            DescriptorPool pool = new DescriptorPool(1);
            NodeTable t = new NodeTable(pool.open(0), Integer.MAX_VALUE);
            KernelNode a = found(t, open(root, "a"));
            Found b = open(root, "b");
            assertNull(found(t, b));
            assertEquals(1, pool.used(), "nothing more is held for it");
            assertSame(a, found(t, open(root, "a")), "a node already held costs nothing more");
            t.closeAll();
        }
    }

    @Test
    void pastItsHighWaterMark_theTableAsksForPruning_ofItsLeastRecentlyUsedNodesWithoutHandles() throws IOException {
        for (String n : new String[] {"a", "b", "c", "d"}) Files.writeString(dir.resolve(n), n);
        try (FolderRoot root = FolderRoot.open(dir)) {
            NodeTable t = new NodeTable(new DescriptorPool(100).open(0), 3);
            java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
            t.onPressure(told::incrementAndGet);
            KernelNode a = found(t, open(root, "a"));
            KernelNode b = found(t, open(root, "b"));
            KernelNode c = found(t, open(root, "c"));
            assertEquals(0, told.get(), "at the mark, not past it");
            t.get(a.id);
            t.opened(b.id);
            KernelNode d = found(t, open(root, "d"));
            assertEquals(1, told.get());
            long[] ids = new long[4];
            assertEquals(3, t.leastRecentlyUsed(ids, 4), "b has an open handle");
            assertEquals(java.util.List.of(c.id, a.id, d.id), java.util.List.of(ids[0], ids[1], ids[2]));
            assertEquals(1, t.unasked(), "c, a and d were asked for");
            assertEquals(0, t.leastRecentlyUsed(ids, 4), "not asked twice before they are looked up again");
            t.released(b.id);
            assertSame(c, found(t, open(root, "c")));
            assertEquals(2, t.leastRecentlyUsed(ids, 4));
            assertEquals(java.util.List.of(b.id, c.id), java.util.List.of(ids[0], ids[1]));
            t.closeAll();
        }
    }

    /** A node the kernel kept when asked (in use then) is asked again once the interval has passed, without a new lookup. */
    @Test
    void aNodeKeptWhenAsked_isAskedAgainAfterAWhile() throws IOException {
        for (String n : new String[] {"a", "b"}) Files.writeString(dir.resolve(n), n);
        try (FolderRoot root = FolderRoot.open(dir)) {
            NodeTable t = new NodeTable(new DescriptorPool(100).open(0), 1);
            KernelNode a = found(t, open(root, "a"));
            KernelNode b = found(t, open(root, "b"));
            long[] ids = new long[4];
            assertEquals(2, t.leastRecentlyUsed(ids, 4));
            assertEquals(0, t.unasked());
            assertEquals(0, t.leastRecentlyUsed(ids, 4), "not at once");
            t.reaskAfter(0);
            assertEquals(2, t.unasked(), "both kept by the kernel: may be asked again");
            assertEquals(2, t.leastRecentlyUsed(ids, 4));
            assertEquals(java.util.List.of(a.id, b.id), java.util.List.of(ids[0], ids[1]));
            t.forget(a.id, 1);
            assertEquals(1, t.unasked(), "a is gone; b may be asked again");
            t.closeAll();
        }
    }
}
