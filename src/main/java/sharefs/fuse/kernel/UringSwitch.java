package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fuse module's enable_uring parameter: off by default in Linux, and the kernel offers
 * FUSE_OVER_IO_URING in INIT only while it is on. It is read when a connection starts, so
 * turning it on serves mounts made after; connections already made keep what they had.
 */
public final class UringSwitch {
    private static final Logger log = LoggerFactory.getLogger(UringSwitch.class);
    static final Path PARAMETER = Path.of("/sys/module/fuse/parameters/enable_uring");

    private UringSwitch() {
    }

    /** Whether this kernel has FUSE over io_uring at all (the parameter exists). */
    public static boolean present() {
        return Files.exists(PARAMETER);
    }

    /** Whether it is on now. */
    public static boolean on() {
        try {
            return Files.readString(PARAMETER).trim().equals("Y");
        } catch (IOException e) {
            return false;
        }
    }

    /** Turns it on (root); true if it is on after. A kernel without it says so in the log (each session: cheap). */
    public static boolean turnOn() {
        if (!present()) {
            log.debug("this kernel has no FUSE over io_uring ({} is missing)", PARAMETER);
            return false;
        }
        if (on()) return true;
        try {
            Files.writeString(PARAMETER, "Y");
            log.info("turned FUSE over io_uring on ({} = Y)", PARAMETER);
        } catch (IOException e) {
            log.warn("cannot turn FUSE over io_uring on ({}): {}", PARAMETER, e.toString());
        }
        return on();
    }
}
