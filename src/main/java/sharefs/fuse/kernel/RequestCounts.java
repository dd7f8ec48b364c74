package sharefs.fuse.kernel;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many requests of each opcode a session has read from the kernel, counted as they arrive
 * (before decoding, so malformed ones count too): what a profile or a test of the engine's
 * request budget reads. Opcodes beyond the table share one "other" slot.
 */
public final class RequestCounts {
    private static final int SLOTS = 64;
    private final AtomicLongArray byOpcode = new AtomicLongArray(SLOTS + 1);

    void count(int opcode) {
        byOpcode.incrementAndGet(opcode > 0 && opcode < SLOTS ? opcode : SLOTS);
    }

    /** Requests of this opcode (FUSE numbering, e.g. 25 for FLUSH) read so far. */
    public long of(int opcode) {
        return opcode > 0 && opcode < SLOTS ? byOpcode.get(opcode) : 0;
    }

    /** Requests of this opcode by name ("FLUSH", "LOOKUP"...) read so far; 0 for an unknown name. */
    public long of(String name) {
        for (int op = 1; op < SLOTS; op++) if (Opcode.name(op).equals(name)) return byOpcode.get(op);
        return 0;
    }

    /** Every opcode seen so far, by name, with its count. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        for (int op = 1; op <= SLOTS; op++) {
            long n = byOpcode.get(op);
            if (n != 0) m.put(op == SLOTS ? "OTHER" : Opcode.name(op), n);
        }
        return m;
    }
}
