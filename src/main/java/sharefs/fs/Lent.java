package sharefs.fs;

/**
 * What a node agent shares among its mounts and lends each one: its account with the agent's
 * descriptor pool, the storage reserve every mount's writes respect, and the registry through
 * which its kernel-engine mounts tell one another what they changed.
 */
public record Lent(DescriptorPool.Account descriptors, SpaceGuard space, MountCoherence coherence) {
    /** A mount with no other mount to tell. */
    public Lent(DescriptorPool.Account descriptors, SpaceGuard space) {
        this(descriptors, space, new MountCoherence());
    }

    /** For a filesystem on its own: a pool of its own with no limit beyond its caps, and no reserve. */
    public static Lent nothing() {
        return new Lent(new DescriptorPool(Long.MAX_VALUE / 4).open(0), SpaceGuard.NONE);
    }
}
