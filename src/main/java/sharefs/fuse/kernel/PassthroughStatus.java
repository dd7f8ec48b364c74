package sharefs.fuse.kernel;

/**
 * What became of FUSE_PASSTHROUGH on one connection: whether the session asked for it, whether
 * the kernel offered it in INIT, and whether a registration of a backing file worked once the
 * reply accepted it (0; else the errno: EPERM without CAP_SYS_ADMIN or when the kernel did not
 * take the flag).
 */
public record PassthroughStatus(boolean asked, boolean offered, int probeErrno) {
    public static final PassthroughStatus NOT_ASKED = new PassthroughStatus(false, false, 0);

    /** Whether opens may be answered FOPEN_PASSTHROUGH. */
    public boolean accepted() {
        return asked && offered && probeErrno == 0;
    }

    /** As the log and `node status` say it. */
    public String describe() {
        if (!asked) return "not asked";
        if (!offered) return "not offered by this kernel";
        return probeErrno == 0 ? "accepted" : "refused (" + Errors.describe(-probeErrno) + ")";
    }
}
