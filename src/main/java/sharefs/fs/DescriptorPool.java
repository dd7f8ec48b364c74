package sharefs.fs;

/**
 * The descriptors an agent lends its mounts, out of RLIMIT_NOFILE less a reserve the agent keeps
 * for itself (database, socket, logs, /dev/fuse). Each mount is guaranteed a few, and may hold
 * more, up to its own caps, only out of what is left beyond every mount's unused guarantee. So
 * a session opening all it can takes neither the agent's reserve nor another mount's guarantee,
 * and many mounts fit where the sum of their caps would not (100 mounts at 4096 files each under
 * a hard limit of 20,000).
 */
public final class DescriptorPool {
    private final long capacity;
    /** Descriptors held by all accounts. */
    private long used;
    /** Sum over accounts of max(0, guarantee - used): held back for mounts that have not used their guarantee. */
    private long unusedGuarantees;
    private long guaranteed;

    public DescriptorPool(long capacity) {
        this.capacity = capacity;
    }

    /**
     * An account for one mount with this guarantee; refused (null) when the guarantee cannot be
     * promised: the guarantees would exceed the pool, or the pool is held right now.
     */
    public synchronized Account open(int guarantee) {
        if (guaranteed + guarantee > capacity || used + unusedGuarantees + guarantee > capacity) return null;
        guaranteed += guarantee;
        unusedGuarantees += guarantee;
        return new Account(guarantee);
    }

    public long capacity() {
        return capacity;
    }

    public synchronized long used() {
        return used;
    }

    /** One mount's share: what it holds, and what is promised to it. */
    public final class Account {
        private final int guarantee;
        private long held;
        private boolean closed;

        private Account(int guarantee) {
            this.guarantee = guarantee;
        }

        /** One more descriptor for this mount, if it may have one. */
        boolean take() {
            synchronized (DescriptorPool.this) {
                if (closed) return false;
                if (held < guarantee) {
                    unusedGuarantees--;
                } else if (used + unusedGuarantees >= capacity) {
                    return false;
                }
                held++;
                used++;
                return true;
            }
        }

        /** Gives back one descriptor this mount took. */
        void give() {
            synchronized (DescriptorPool.this) {
                if (held == 0) return;
                held--;
                used--;
                if (held < guarantee && !closed) unusedGuarantees++;
            }
        }

        /** The mount is gone: its guarantee returns to the pool (what it still holds, as it is given back). */
        public void close() {
            synchronized (DescriptorPool.this) {
                if (closed) return;
                closed = true;
                guaranteed -= guarantee;
                unusedGuarantees -= Math.max(0, guarantee - held);
            }
        }
    }
}
