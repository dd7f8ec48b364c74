package sharefs.store;

/**
 * H2's AUTO_SERVER binds and advertises the machine's first network address. Sessions and mounts
 * only ever share a file on one machine, so keep that traffic on loopback.
 */
final class LoopbackOnly {
    private LoopbackOnly() {
    }

    static void apply() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }
}
