package sharefs.sharing;

/** A rule refused the request. The message is one clear line for the user. */
public final class SharingException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN, CONFLICT }

    private final Kind kind;

    public SharingException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static SharingException invalid(String m) { return new SharingException(Kind.INVALID, m); }
    public static SharingException notFound(String m) { return new SharingException(Kind.NOT_FOUND, m); }
    public static SharingException forbidden(String m) { return new SharingException(Kind.FORBIDDEN, m); }
    public static SharingException conflict(String m) { return new SharingException(Kind.CONFLICT, m); }
}
