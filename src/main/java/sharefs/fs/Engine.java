package sharefs.fs;

/**
 * The FUSE transport a mount is served on: the engine speaking the kernel protocol on /dev/fuse
 * directly (sharefs.fuse.kernel; the default where the kernel speaks FUSE 7.31+), or jnr-fuse
 * over libfuse 2.9 (the fallback on older kernels, and each engine's cross-check in tests).
 */
public enum Engine {
    LIBFUSE2("libfuse2"),
    KERNEL("kernel");

    private final String word;

    Engine(String word) {
        this.word = word;
    }

    /** As `--engine` and `node status` spell it. */
    public String word() {
        return word;
    }

    /** The engine named word, or null when no engine has that name. */
    public static Engine named(String word) {
        for (Engine e : values()) {
            if (e.word.equals(word)) return e;
        }
        return null;
    }
}
