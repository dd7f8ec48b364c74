package sharefs.testing;

/** The users of the sharing and CLI tests, one name per role, so every test tells the same story. */
public final class Cast {
    /** Owns the folders in most tests. */
    public static final String ANN = "ann@x.io";
    public static final String BOB = "bob@x.io";
    public static final String CAT = "cat@x.io";
    public static final String DAN = "dan@x.io";
    public static final String EVE = "eve@x.io";
    /** The platform admin, in the tests that make one. */
    public static final String ROOT = "root@x.io";

    private Cast() {
    }
}
