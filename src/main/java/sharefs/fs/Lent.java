package sharefs.fs;

/**
 * What a node agent shares among its mounts and lends each one: its account with the agent's
 * descriptor pool, and the storage reserve every mount's writes respect.
 */
public record Lent(DescriptorPool.Account descriptors, SpaceGuard space) {
    /** For a filesystem on its own: a pool of its own with no limit beyond its caps, and no reserve. */
    public static Lent nothing() {
        return new Lent(new DescriptorPool(Long.MAX_VALUE / 4).open(0), SpaceGuard.NONE);
    }
}
