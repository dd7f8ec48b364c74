package sharefs.fs;

/** The mount could not be made or removed; the message is one line for the user. */
public final class MountException extends RuntimeException {
    private final boolean byLibfuse;

    public MountException(String message) {
        this(message, false);
    }

    private MountException(String message, boolean byLibfuse) {
        super(message);
        this.byLibfuse = byLibfuse;
    }

    /** libfuse (or the fusermount it ran) refused the mount; its own words went to stderr. */
    static MountException byLibfuse(String message) {
        return new MountException(message, true);
    }

    public boolean byLibfuse() {
        return byLibfuse;
    }

    /** The same refusal, with the words libfuse wrote on stderr. */
    public MountException withLibfuseWords(java.util.List<String> words) {
        return words.isEmpty() ? this : new MountException(getMessage() + ": " + String.join("; ", words), byLibfuse);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
        this.byLibfuse = false;
    }
}
