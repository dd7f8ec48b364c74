package sharefs.fuse.kernel;

/** The engine could not start or mount; the message is one line for the operator. */
public final class FuseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FuseException(String message) {
        super(message);
    }

    public FuseException(String message, Throwable cause) {
        super(message, cause);
    }
}
