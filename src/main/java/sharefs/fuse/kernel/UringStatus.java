package sharefs.fuse.kernel;

/**
 * What became of FUSE over io_uring on one connection: whether the session asked for it, whether
 * the kernel offered it in INIT (it does only with the fuse module's enable_uring set, Linux
 * 6.14+), and how many queues serve requests (one per possible CPU), or why none do.
 */
public record UringStatus(boolean asked, boolean offered, int queues, String failure) {
    public static final UringStatus NOT_ASKED = new UringStatus(false, false, 0, null);

    /** Whether requests reach the daemon through the ring queues rather than read(2) of the device. */
    public boolean serving() {
        return asked && offered && queues > 0 && failure == null;
    }

    /** As the log and `node status` say it. */
    public String describe() {
        if (!asked) return "not asked";
        if (!offered) return "not offered by this kernel (needs Linux 6.14+ with /sys/module/fuse/parameters/enable_uring set)";
        return failure == null ? "serving, " + queues + (queues == 1 ? " queue" : " queues") : "refused (" + failure + ")";
    }
}
