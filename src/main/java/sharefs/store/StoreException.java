package sharefs.store;

/** The database could not do what was asked (unreachable, corrupt, busy). Not a rule refusal. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
