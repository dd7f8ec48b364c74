package sharefs.fs;

/** The mount could not be made or removed; the message is one line for the user. */
public final class MountException extends RuntimeException {
    private final boolean byLibfuse;
    private final boolean kernelEngineUnsupported;

    public MountException(String message) {
        this(message, null, false, false);
    }

    public MountException(String message, Throwable cause) {
        this(message, cause, false, false);
    }

    private MountException(String message, Throwable cause, boolean byLibfuse, boolean kernelEngineUnsupported) {
        super(message, cause);
        this.byLibfuse = byLibfuse;
        this.kernelEngineUnsupported = kernelEngineUnsupported;
    }

    /** libfuse (or the fusermount it ran) refused the mount; its own words went to stderr. */
    static MountException byLibfuse(String message) {
        return new MountException(message, null, true, false);
    }

    /** The kernel engine cannot run on this machine at all (its kernel speaks FUSE older than 7.31). */
    static MountException kernelEngineUnsupported(String message, Throwable cause) {
        return new MountException(message, cause, false, true);
    }

    public boolean byLibfuse() {
        return byLibfuse;
    }

    /** Whether the kernel engine refused because it cannot run here, so libfuse2 may serve the mount instead. */
    public boolean kernelEngineUnsupported() {
        return kernelEngineUnsupported;
    }

    /** The same refusal, with the words libfuse wrote on stderr. */
    public MountException withLibfuseWords(java.util.List<String> words) {
        return words.isEmpty() ? this : new MountException(getMessage() + ": " + String.join("; ", words), getCause(), byLibfuse,
                kernelEngineUnsupported);
    }
}
