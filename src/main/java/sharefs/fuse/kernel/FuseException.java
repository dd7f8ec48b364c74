package sharefs.fuse.kernel;

/** The engine could not start or mount; the message is one line for the operator. */
public final class FuseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean unsupportedHere;

    public FuseException(String message) {
        this(message, null, false);
    }

    public FuseException(String message, Throwable cause) {
        this(message, cause, cause instanceof FuseException f && f.unsupportedHere);
    }

    private FuseException(String message, Throwable cause, boolean unsupportedHere) {
        super(message, cause);
        this.unsupportedHere = unsupportedHere;
    }

    /**
     * This engine cannot run here at all (a kernel older than FUSE 7.31, a 32-bit JVM), whatever
     * the mount: the caller may serve the mount on another engine instead.
     */
    static FuseException unsupported(String message) {
        return new FuseException(message, null, true);
    }

    /** Whether this is {@link #unsupported}, or wraps it. */
    public boolean unsupportedHere() {
        return unsupportedHere;
    }
}
