package sharefs.fs;

/**
 * What a node agent shares among its mounts and lends each one: its account with the agent's
 * descriptor pool, the storage reserve every mount's writes respect, the registry through which
 * its kernel-engine mounts tell one another what they changed, and whether its kernel-engine
 * mounts take requests through FUSE over io_uring (`sharefs node --io-uring`).
 */
public record Lent(DescriptorPool.Account descriptors, SpaceGuard space, MountCoherence coherence, boolean uring) {
    /** Requests through FUSE over io_uring where the kernel has it (the default), else the device. */
    public Lent(DescriptorPool.Account descriptors, SpaceGuard space, MountCoherence coherence) {
        this(descriptors, space, coherence, true);
    }

    /** The same, with requests through io_uring (on) or the device (off). */
    public Lent withUring(boolean on) {
        return new Lent(descriptors, space, coherence, on);
    }

    /** A mount with no other mount to tell. */
    public Lent(DescriptorPool.Account descriptors, SpaceGuard space) {
        this(descriptors, space, new MountCoherence());
    }

    /** For a filesystem on its own: a pool of its own with no limit beyond its caps, and no reserve. */
    public static Lent nothing() {
        return new Lent(new DescriptorPool(Long.MAX_VALUE / 4).open(0), SpaceGuard.NONE);
    }
}
