package sharefs.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, as its agent signs what it writes to a home shared by many machines. */
public final class NodeName {
    private NodeName() {
    }

    /** The kernel's hostname, reduced to characters safe in a file name; "localhost" if unreadable. */
    public static String host() {
        String h;
        try {
            h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            h = "";
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "_");
        return h.isEmpty() || h.startsWith(".") ? "localhost" : h;
    }
}
