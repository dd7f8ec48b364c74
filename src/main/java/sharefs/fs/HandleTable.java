package sharefs.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the handles given to the kernel in fi.fh stand for, at most max at a time, and each
 * taken from the mount's account with the agent's descriptor pool. A slot is reserved before
 * anything is opened, so a table at its cap (or a pool with nothing left for this mount) opens
 * nothing, and two racing opens cannot both take the last slot.
 */
class HandleTable<T> {
    private static final Logger log = LoggerFactory.getLogger(HandleTable.class);

    private final ConcurrentHashMap<Long, T> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);
    /** Slots reserved or holding a handle. */
    private final AtomicInteger used = new AtomicInteger();
    private final int max;
    private final String what;
    private final DescriptorPool.Account account;
    private final AtomicBoolean warned = new AtomicBoolean();
    private final AtomicBoolean warnedPool = new AtomicBoolean();

    /** what: the plural noun the log uses ("open files"); account: the mount's share of the agent's descriptors. */
    HandleTable(int max, String what, DescriptorPool.Account account) {
        this.max = max;
        this.what = what;
        this.account = account;
    }

    /**
     * A slot for one more handle, or null at the cap. Use it in try-with-resources: closing a
     * slot that was never {@linkplain Slot#keep kept} gives it back.
     */
    Slot<T> reserve() {
        for (;;) {
            int n = used.get();
            if (n >= max) {
                if (warned.compareAndSet(false, true)) {
                    log.warn("a mount reached its cap of {} {}; more are refused with ENFILE until some are closed", max, what);
                }
                return null;
            }
            if (used.compareAndSet(n, n + 1)) {
                if (account.take()) return new Slot<>(this, next.getAndIncrement());
                used.decrementAndGet();
                if (warnedPool.compareAndSet(false, true)) {
                    log.warn("the agent's descriptors are taken by other mounts beyond their guarantees; more {} are refused"
                            + " with ENFILE until some are closed", what);
                }
                return null;
            }
        }
    }

    /** Frees one slot in this table and the mount's account. */
    private void free() {
        used.decrementAndGet();
        account.give();
    }

    T get(long handle) {
        return byHandle.get(handle);
    }

    /** Forgets a handle and frees its slot; null (and nothing freed) if it was not kept. */
    T remove(long handle) {
        T v = byHandle.remove(handle);
        if (v != null) free();
        return v;
    }

    /** Handles held now. */
    int count() {
        return byHandle.size();
    }

    /** Forgets every handle; returns what they stood for, for the caller to close. */
    List<T> removeAll() {
        List<T> out = new ArrayList<>();
        for (Long h : byHandle.keySet()) {
            T v = remove(h);
            if (v != null) out.add(v);
        }
        return out;
    }

    /** One reserved place in a table, with the handle it will be known by. */
    static final class Slot<T> implements AutoCloseable {
        private final HandleTable<T> table;
        private final long handle;
        private boolean kept;

        private Slot(HandleTable<T> table, long handle) {
            this.table = table;
            this.handle = handle;
        }

        long handle() {
            return handle;
        }

        /** Files value under this slot's handle; from now on only remove frees the slot. */
        void keep(T value) {
            table.byHandle.put(handle, value);
            kept = true;
        }

        @Override
        public void close() {
            if (!kept) table.free();
        }
    }
}
