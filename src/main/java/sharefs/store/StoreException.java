package sharefs.store;

/** The database could not do what was asked (unreachable, corrupt, busy). Not a rule refusal. */
public final class StoreException extends RuntimeException {
    private final boolean inUse;

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    StoreException(String message, Throwable cause, boolean inUse) {
        super(message, cause);
        this.inUse = inUse;
    }

    /** The embedded database is held by another process: a node agent, or one starting. */
    public boolean inUse() {
        return inUse;
    }
}
