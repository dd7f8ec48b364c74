package sharefs.fs;

/**
 * `--passthrough`: which opens of a kernel-engine mount the kernel serves from the backing file
 * itself, with no READ or WRITE reaching the daemon (see {@link PassthroughPolicy}).
 */
public enum Passthrough {
    /** Reads and writes in folders the user owns: no revocation can ever apply there. */
    OWNED("owned"),
    /** As owned, plus read-only opens in shares and project folders (the README's trade-off). */
    READS("reads"),
    OFF("off");

    private final String word;

    Passthrough(String word) {
        this.word = word;
    }

    /** As `--passthrough` and `node status` spell it. */
    public String word() {
        return word;
    }

    /** The mode named word, or null. */
    public static Passthrough named(String word) {
        for (Passthrough p : values()) {
            if (p.word.equals(word)) return p;
        }
        return null;
    }
}
