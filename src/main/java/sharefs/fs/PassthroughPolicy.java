package sharefs.fs;

import sharefs.access.Grant;

/**
 * Which opens go passthrough, beside the permission rules (which have already allowed the open
 * when this is asked). A passthrough descriptor reads and writes the backing file with no
 * daemon in between, so nothing decided later reaches it: not a kick-out, not a downgrade, not
 * the storage reserve. Hence:
 * <ul>
 * <li>owned: every open in a folder the user owns, since no one can revoke an owner; but a
 * writable one only where the mount has no storage reserve to defend (SpaceGuard), for a
 * passthrough write would never meet it;</li>
 * <li>reads: owned, and read-only opens in shares and project folders too (a descriptor open
 * before a kick-out keeps reading: the trade-off the README states);</li>
 * <li>off: none.</li>
 * </ul>
 * A writable open of a folder mounted --read-only never comes here (the rules refuse it) and
 * is never passthrough either.
 */
final class PassthroughPolicy {
    static final PassthroughPolicy OFF = new PassthroughPolicy(Passthrough.OFF, false);

    private final Passthrough mode;
    private final boolean reserve;

    /** reserve: whether the mount's writes must leave a storage reserve (SpaceGuard#defends). */
    PassthroughPolicy(Passthrough mode, boolean reserve) {
        this.mode = mode;
        this.reserve = reserve;
    }

    Passthrough mode() {
        return mode;
    }

    /** Whether writable opens in owned folders may go passthrough (not where a reserve is kept). */
    boolean ownedWrites() {
        return mode != Passthrough.OFF && !reserve;
    }

    /** Whether an open of g's folder (writable or not) may go passthrough. */
    boolean eligible(Grant g, boolean writable) {
        if (mode == Passthrough.OFF) return false;
        if (writable && g.readOnly()) return false;
        if (g.owner()) return !writable || !reserve;
        return mode == Passthrough.READS && !writable;
    }

    /** One line for the mount's log. */
    String describe() {
        return switch (mode) {
            case OFF -> "passthrough off: every read and write goes through the daemon";
            case OWNED -> "passthrough for folders the user owns" + reserveNote();
            case READS -> "passthrough for folders the user owns" + reserveNote()
                    + ", and for read-only opens in shares and project folders (an open descriptor outlives a kick-out)";
        };
    }

    private String reserveNote() {
        return reserve ? " (read-only opens only: storage shares a filesystem with the database, and writes must keep its reserve)"
                : " (reads and writes)";
    }
}
