package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.backing.FolderRoot;

/**
 * Two mounts' node tables in one {@link MountCoherence}, on real O_PATH descriptors, with the
 * kernel replaced by a recorder: who is told what, in whose node ids, and what a queue past its
 * bound is widened to (never dropped).
 */
class MountPeerTest {
    @TempDir
    Path dir;
    FolderRoot root;
    MountCoherence agent;
    NodeTable ta, tb;
    MountPeer pa, pb;
    Recorder ka, kb;
    final java.util.concurrent.ExecutorService[] threads = {NoticeThread.of("a"), NoticeThread.of("b")};

    /** The notices one mount's kernel got, one line each; the first call may be held at a gate. */
    static final class Recorder implements MountPeer.Kernel {
        final List<String> got = new ArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        private int record(String s) {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) throw new AssertionError("the gate never opened");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (got) {
                got.add(s);
            }
            return 0;
        }

        @Override
        public int invalEntry(long parent, byte[] name) {
            return record("entry " + parent + " " + new String(name, StandardCharsets.UTF_8));
        }

        @Override
        public int invalInode(long node, long offset, long length) {
            return record("inode " + node + " " + offset + " " + length);
        }

        @Override
        public int incEpoch() {
            return record("epoch");
        }

        List<String> got() {
            synchronized (got) {
                return List.copyOf(got);
            }
        }
    }

    @BeforeEach
    void twoMounts() throws IOException {
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("f"), "x");
        root = FolderRoot.open(dir);
        agent = new MountCoherence();
        DescriptorPool pool = new DescriptorPool(100_000);
        ta = new NodeTable(pool.open(0), Integer.MAX_VALUE);
        tb = new NodeTable(pool.open(0), Integer.MAX_VALUE);
        pa = agent.join(ta, "a", threads[0]);
        pb = agent.join(tb, "b", threads[1]);
        ka = new Recorder();
        kb = new Recorder();
        pa.attach(ka, 45);
        pb.attach(kb, 45);
    }

    @AfterEach
    void close() {
        pa.close();
        pb.close();
        for (var t : threads) t.shutdownNow();
        ta.closeAll();
        tb.closeAll();
        root.close();
    }

    KernelNode node(NodeTable t, String name) {
        KernelNode n = NodeTableTest.found(t, NodeTableTest.open(root, name));
        assertTrue(n != null, "a node for " + name);
        return n;
    }

    @Test
    void aChangeIsToldToTheOtherMountHoldingTheObject_inItsOwnIds_andNeverToTheChanger() throws Exception {
        KernelNode da = node(ta, "d"), fa = node(ta, "f");
        node(ta, "d"); // a second lookup of one node: still one holder
        KernelNode db = node(tb, "d"), fb = node(tb, "f");
        pa.dataChanged(fa, 0, 1);
        assertTrue(pb.drained(10_000));
        assertEquals(List.of(), kb.got(), "a write is not told to a mount with no handle open on the file");
        tb.opened(fb.id);
        pa.nameChanged(da, "x".getBytes(StandardCharsets.UTF_8));
        pa.renamed(da, "y".getBytes(StandardCharsets.UTF_8), da, "z".getBytes(StandardCharsets.UTF_8));
        pa.dataChanged(fa, 10, 5);
        pa.attrsChanged(fa);
        pb.linked(db, "l".getBytes(StandardCharsets.UTF_8), fb);
        assertTrue(pb.drained(10_000) && pa.drained(10_000));
        assertEquals(List.of("entry " + db.id + " x", "entry " + db.id + " y", "entry " + db.id + " z",
                "inode " + fb.id + " 10 5", "inode " + fb.id + " -1 0"), kb.got());
        assertEquals(List.of("entry " + da.id + " l", "inode " + fa.id + " -1 0"), ka.got(), "b's link, told to a");
        assertTrue(!pa.alone() && !pb.alone());

        tb.forget(db.id, 1);
        pa.nameChanged(da, "gone".getBytes(StandardCharsets.UTF_8));
        assertTrue(pb.drained(10_000));
        assertEquals(5, kb.got().size(), "b forgot the directory: nothing to tell it");
    }

    @Test
    void changesToOneNodeWhileTheyWait_areSentOnce_withTheirRangesJoined() throws Exception {
        KernelNode fa = node(ta, "f");
        KernelNode fb = node(tb, "f");
        KernelNode db = node(tb, "d");
        KernelNode da = node(ta, "d");
        tb.opened(fb.id);
        kb.gate = new CountDownLatch(1);
        pa.nameChanged(da, "first".getBytes(StandardCharsets.UTF_8));
        assertTrue(kb.entered.await(10, TimeUnit.SECONDS), "b's sender is held in its first notice");
        pa.dataChanged(fa, 100, 10);
        pa.dataChanged(fa, 0, 10);
        pa.attrsChanged(fa);
        pa.nameChanged(da, "again".getBytes(StandardCharsets.UTF_8));
        pa.nameChanged(da, "again".getBytes(StandardCharsets.UTF_8));
        kb.gate.countDown();
        assertTrue(pb.drained(10_000));
        assertEquals(List.of("entry " + db.id + " first", "entry " + db.id + " again", "inode " + fb.id + " 0 110"), kb.got());
    }

    @Test
    void pastItsBound_aQueueIsWidenedNotDropped_everyEntryAndEveryNodeInvalidated() throws Exception {
        KernelNode da = node(ta, "d");
        KernelNode db = node(tb, "d"), fb = node(tb, "f");
        kb.gate = new CountDownLatch(1);
        pa.nameChanged(da, "first".getBytes(StandardCharsets.UTF_8));
        assertTrue(kb.entered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i <= MountPeer.MAX_PENDING; i++) pa.nameChanged(da, ("n" + i).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i <= MountPeer.MAX_PENDING; i++) {
            Files.writeString(dir.resolve("g" + i), "");
            KernelNode ga = node(ta, "g" + i);
            node(tb, "g" + i);
            pa.attrsChanged(ga);
        }
        kb.gate.countDown();
        assertTrue(pb.drained(10_000));
        List<String> got = kb.got();
        assertEquals("entry " + db.id + " first", got.get(0));
        assertEquals("epoch", got.get(1), "every entry of b made stale instead of the names");
        List<String> inodes = got.subList(2, got.size());
        assertEquals(tb.size(), inodes.size(), "every node of b invalidated instead: " + inodes.size());
        assertTrue(inodes.contains("inode " + fb.id + " 0 0") && inodes.contains("inode " + db.id + " 0 0"), inodes.toString());
    }
}
