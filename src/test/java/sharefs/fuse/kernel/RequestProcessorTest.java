package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests fed to the engine as bytes, no mount: every answering request gets exactly one
 * answer, malformed, short or oversized ones are refused with the errno the engine promises,
 * and nothing escapes the processor.
 */
class RequestProcessorTest {
    static final int SIZE = 64 * 1024;
    static final long OFFER = 0x73fffffbL | (0x5fdL << 32);

    /** The messages the processor sent, as bytes. */
    static final class Recorder implements Channel {
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public int send(NativeBuffer buf, int len) {
            byte[] b = new byte[len];
            buf.view().get(0, b);
            sent.add(b);
            return 0;
        }

        ByteBuffer only() {
            assertEquals(1, sent.size(), "exactly one answer");
            return ByteBuffer.wrap(sent.remove(0)).order(ByteOrder.nativeOrder());
        }
    }

    NativeBuffer buf;
    Recorder out;
    Interrupts interrupts;
    Handshake handshake;
    RequestProcessor processor;
    FuseHandler handler = new FuseHandler() {
        @Override
        public int lookup(Request r, long parent, byte[] name, EntryOut o) {
            if (name[0] == 'x') throw new IllegalStateException("a bug, on purpose");
            if (name[0] == 'i') {
                // An INTERRUPT for this very request arrives while it is being handled.
                byte[] intr = request(Opcode.INTERRUPT, 99, 0, le(8, r.unique()));
                try (NativeBuffer other = NativeBuffer.allocate(SIZE)) {
                    other.view().put(0, intr);
                    processor().process(other, intr.length);
                }
                return r.interrupted() ? -Errors.EINTR : -Errors.EIO;
            }
            o.nodeId = 7;
            o.attr.mode = 0100644;
            o.attr.ino = 7;
            return 0;
        }

        @Override
        public int write(Request r, long node, long fh, long offset, ByteBuffer data, int flags) {
            return data.remaining();
        }
    };

    @BeforeEach
    void setUp() {
        buf = NativeBuffer.allocate(SIZE);
        out = new Recorder();
        interrupts = new Interrupts();
        handshake = new Handshake(new InitNegotiation(256, 16));
        processor = processor();
    }

    @AfterEach
    void tearDown() {
        buf.close();
    }

    private final RequestCounts counts = new RequestCounts();

    private RequestProcessor processor() {
        return new RequestProcessor(new RequestDecoder(SIZE - 16), new Dispatcher(handler, interrupts, handshake, SIZE),
                interrupts, handshake, out, counts);
    }

    /** A request: header (len, opcode, unique, node, uid, gid, pid) and args. */
    static byte[] request(int opcode, long unique, long node, byte[] args) {
        ByteBuffer b = ByteBuffer.allocate(40 + args.length).order(ByteOrder.nativeOrder());
        b.putInt(40 + args.length).putInt(opcode).putLong(unique).putLong(node).putInt(0).putInt(0).putInt(1234).putInt(0);
        b.put(args);
        return b.array();
    }

    static byte[] le(int size, long... words) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        for (long w : words) {
            if (size - b.position() >= 8) b.putLong(w);
            else b.putInt((int) w);
        }
        return b.array();
    }

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private void feed(byte[] req) {
        feed(req, req.length);
    }

    private void feed(byte[] req, int n) {
        buf.view().put(0, req, 0, Math.min(req.length, SIZE));
        processor.process(buf, n);
    }

    private void init() {
        ByteBuffer a = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        a.putInt(7).putInt(45).putInt(131072).putInt((int) OFFER).putInt((int) (OFFER >>> 32));
        feed(request(Opcode.INIT, 1, 0, a.array()));
        ByteBuffer r = out.only();
        assertEquals(16 + 64, r.getInt(0));
        assertEquals(0, r.getInt(4));
        assertTrue(handshake.result().isDone());
    }

    private void assertError(long unique, int errno) {
        ByteBuffer r = out.only();
        assertEquals(16, r.getInt(0), "an error answer is the header alone");
        assertEquals(-errno, r.getInt(4));
        assertEquals(unique, r.getLong(8));
    }

    @Test
    void initAnswersMinor45AndTheWantedFlags() {
        ByteBuffer a = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        a.putInt(7).putInt(45).putInt(131072).putInt((int) OFFER).putInt((int) (OFFER >>> 32));
        feed(request(Opcode.INIT, 1, 0, a.array()));
        ByteBuffer r = out.only();
        assertEquals(80, r.getInt(0));
        assertEquals(1, r.getLong(8));
        assertEquals(7, r.getInt(16));
        assertEquals(45, r.getInt(20));
        assertEquals(131072, r.getInt(24));
        long flags = InitFlags.ASYNC_READ | InitFlags.EXPORT_SUPPORT | InitFlags.BIG_WRITES | InitFlags.DO_READDIRPLUS
                | InitFlags.READDIRPLUS_AUTO | InitFlags.PARALLEL_DIROPS | InitFlags.MAX_PAGES | InitFlags.CACHE_SYMLINKS
                | InitFlags.HANDLE_KILLPRIV_V2 | InitFlags.INIT_EXT;
        assertEquals((int) flags, r.getInt(28));
        assertEquals(16, r.getShort(32));
        assertEquals(12, r.getShort(34));
        assertEquals(1 << 20, r.getInt(36), "max_write");
        assertEquals(1, r.getInt(40), "time_gran");
        assertEquals(256, r.getShort(44), "max_pages");
        assertEquals(0, r.getInt(48), "flags2: nothing unless passthrough is asked for");
        assertEquals(0, r.getInt(52), "max_stack_depth");
        assertEquals(flags, handshake.result().join().flags());
    }

    @Test
    void passthroughAskedFor_isTakenWhenOffered_withAStackDepthOfOne() {
        handshake = new Handshake(new InitNegotiation(256, 16, true));
        processor = processor();
        ByteBuffer a = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        a.putInt(7).putInt(45).putInt(131072).putInt((int) OFFER).putInt((int) (OFFER >>> 32));
        feed(request(Opcode.INIT, 1, 0, a.array()));
        ByteBuffer r = out.only();
        assertEquals((int) (InitFlags.PASSTHROUGH >>> 32), r.getInt(48), "flags2: PASSTHROUGH alone");
        assertEquals(1, r.getInt(52), "max_stack_depth: without it the kernel ignores the flag");
        assertTrue(handshake.result().join().has(InitFlags.PASSTHROUGH));
    }

    @Test
    void passthroughAskedFor_isNotTakenWhenNotOffered() {
        handshake = new Handshake(new InitNegotiation(256, 16, true));
        processor = processor();
        long offer = OFFER & ~InitFlags.PASSTHROUGH;
        ByteBuffer a = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        a.putInt(7).putInt(45).putInt(131072).putInt((int) offer).putInt((int) (offer >>> 32));
        feed(request(Opcode.INIT, 1, 0, a.array()));
        ByteBuffer r = out.only();
        assertEquals(0, r.getInt(48));
        assertEquals(0, r.getInt(52));
        assertFalse(handshake.result().join().has(InitFlags.PASSTHROUGH));
    }

    @Test
    void aKernelOlderThan7_31IsRefused() {
        feed(request(Opcode.INIT, 1, 0, le(16, 7 | (30L << 32), 131072 | (0x7fffL << 32))));
        assertError(1, Errors.EPROTO);
        assertTrue(handshake.result().isCompletedExceptionally());
        // Of the kind that lets the agent serve a mount naming no engine on libfuse2 instead.
        Throwable why = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                () -> handshake.result().join()).getCause();
        assertEquals("kernel FUSE 7.30 is older than 7.31, the oldest this engine speaks", why.getMessage());
        assertTrue(((FuseException) why).unsupportedHere());
        assertTrue(new FuseException("mount of /m failed: " + why.getMessage(), why).unsupportedHere(), "kept when wrapped");
        assertFalse(new FuseException("cannot mount on /m: Permission denied").unsupportedHere());
    }

    @Test
    void nothingIsServedBeforeInit() {
        feed(request(Opcode.LOOKUP, 5, 1, "a\0".getBytes()));
        assertError(5, Errors.EIO);
    }

    @Test
    void lookupAnswersAnEntry() {
        init();
        feed(request(Opcode.LOOKUP, 5, 1, "a\0".getBytes()));
        ByteBuffer r = out.only();
        assertEquals(16 + 128, r.getInt(0));
        assertEquals(0, r.getInt(4));
        assertEquals(7, r.getLong(16));
        assertEquals(0100644, r.getInt(16 + 40 + 60));
    }

    @Test
    void everyRequestReadIsCountedByItsOpcode_answeredOrRefused() {
        init();
        feed(request(Opcode.LOOKUP, 5, 1, "a\0".getBytes()));
        feed(request(Opcode.LOOKUP, 6, 1, "b\0".getBytes()));
        feed(request(Opcode.READ, 7, 2, new byte[39]));
        assertEquals(1, counts.of(Opcode.INIT));
        assertEquals(2, counts.of(Opcode.LOOKUP));
        assertEquals(2, counts.of("LOOKUP"));
        assertEquals(1, counts.of(Opcode.READ));
        assertEquals(0, counts.of(Opcode.FLUSH));
        assertEquals(java.util.Map.of("INIT", 1L, "LOOKUP", 2L, "READ", 1L), counts.snapshot());
    }

    @Test
    void shortOrMismatchedOrOversizedRequestsAreRefused() {
        init();
        byte[] lookup = request(Opcode.LOOKUP, 6, 1, "a\0".getBytes());
        feed(lookup, 12);
        assertEquals(0, out.sent.size(), "no unique id in 12 bytes: nothing to answer");
        feed(lookup, 30);
        assertError(6, Errors.EIO);
        feed(lookup, lookup.length - 1);
        assertError(6, Errors.EINVAL);
        byte[] huge = request(Opcode.WRITE, 8, 2, new byte[SIZE]);
        feed(huge, SIZE);
        assertError(8, Errors.EINVAL);
        ByteBuffer ext = ByteBuffer.wrap(request(Opcode.LOOKUP, 9, 1, "a\0".getBytes())).order(ByteOrder.nativeOrder());
        ext.putShort(36, (short) 100);
        feed(ext.array());
        assertError(9, Errors.EINVAL);
    }

    @Test
    void argumentsShorterThanTheirStructAreRefused() {
        init();
        feed(request(Opcode.READ, 10, 2, new byte[39]));
        assertError(10, Errors.EINVAL);
        feed(request(Opcode.SETATTR, 11, 2, new byte[80]));
        assertError(11, Errors.EINVAL);
        feed(request(Opcode.WRITE, 12, 2, cat(le(40, 0, 0, 100), new byte[10])));
        assertError(12, Errors.EINVAL);
        feed(request(Opcode.RENAME, 13, 1, cat(le(8, 1), "a\0b".getBytes())));
        assertError(13, Errors.EINVAL);
    }

    @Test
    void badNamesAreRefused() {
        init();
        feed(request(Opcode.LOOKUP, 20, 1, "abc".getBytes()));
        assertError(20, Errors.EINVAL);
        feed(request(Opcode.LOOKUP, 21, 1, "\0".getBytes()));
        assertError(21, Errors.EINVAL);
        feed(request(Opcode.LOOKUP, 22, 1, "a/b\0".getBytes()));
        assertError(22, Errors.EINVAL);
        byte[] longName = new byte[Args.NAME_MAX + 2];
        java.util.Arrays.fill(longName, (byte) 'n');
        longName[longName.length - 1] = 0;
        feed(request(Opcode.LOOKUP, 23, 1, longName));
        assertError(23, Errors.EINVAL);
    }

    @Test
    void aWriteAnswersItsCount() {
        init();
        feed(request(Opcode.WRITE, 30, 2, cat(le(40, 0, 0, 5), "hello".getBytes())));
        ByteBuffer r = out.only();
        assertEquals(24, r.getInt(0));
        assertEquals(5, r.getInt(16));
    }

    @Test
    void unknownAndUnimplementedOpcodesAreEnosys() {
        init();
        for (int op : new int[] {Opcode.STATX, Opcode.IOCTL, Opcode.GETLK, 4096, 9999, -1}) {
            feed(request(op, 40, 1, new byte[64]));
            assertError(40, Errors.ENOSYS);
        }
        feed(request(Opcode.MKDIR, 41, 1, cat(le(8, 0755), "d\0".getBytes())));
        assertError(41, Errors.ENOSYS);
    }

    @Test
    void aHandlerThatThrowsAnswersEio() {
        init();
        feed(request(Opcode.LOOKUP, 50, 1, "x\0".getBytes()));
        assertError(50, Errors.EIO);
        feed(request(Opcode.LOOKUP, 51, 1, "a\0".getBytes()));
        assertEquals(0, out.only().getInt(4), "the next request is served");
    }

    @Test
    void forgetsAreNeverAnswered_evenMalformed() {
        init();
        feed(request(Opcode.FORGET, 60, 7, le(8, 1)));
        feed(request(Opcode.FORGET, 61, 7, new byte[3]));
        feed(request(Opcode.BATCH_FORGET, 62, 0, cat(le(8, 2), le(16, 7, 1))));
        feed(request(Opcode.NOTIFY_REPLY, 63, 0, new byte[0]));
        assertEquals(0, out.sent.size());
    }

    @Test
    void anInterruptReachesTheRequestInFlight_orAsksTheKernelToResend() {
        init();
        feed(request(Opcode.INTERRUPT, 71, 0, le(8, 70)));
        assertError(71, Errors.EAGAIN);
        feed(request(Opcode.LOOKUP, 72, 1, "i\0".getBytes()));
        assertError(72, Errors.EINTR);
        assertEquals(0, interrupts.size(), "nothing left in flight");
    }

    @Test
    void xattrSizeProbesAndRange() {
        handler = new FuseHandler() {
            @Override
            public int getxattr(Request r, long node, byte[] name, BytesOut value) {
                value.set("value".getBytes());
                return 0;
            }
        };
        processor = processor();
        init();
        feed(request(Opcode.GETXATTR, 80, 1, cat(le(8, 0), "user.a\0".getBytes())));
        ByteBuffer r = out.only();
        assertEquals(24, r.getInt(0));
        assertEquals(5, r.getInt(16), "the size probe");
        feed(request(Opcode.GETXATTR, 81, 1, cat(le(8, 3), "user.a\0".getBytes())));
        assertError(81, Errors.ERANGE);
        feed(request(Opcode.GETXATTR, 82, 1, cat(le(8, 64), "user.a\0".getBytes())));
        r = out.only();
        byte[] v = new byte[5];
        r.get(16, v);
        assertArrayEquals("value".getBytes(), v);
    }
}
