package sharefs.fs;

/** The mount could not be made or removed; the message is one line for the user. */
public final class MountException extends RuntimeException {
    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
