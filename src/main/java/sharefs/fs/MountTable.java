package sharefs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads /proc/self/mountinfo: is a path a mountpoint, and of which filesystem type. */
public final class MountTable {
    /** device: major:minor of the mount (a FUSE mount's minor names its connection under fusectl). */
    public record Entry(Path mountPoint, String fsType, String source, String device) {
    }

    private MountTable() {
    }

    public static Optional<Entry> find(Path mountPoint) {
        Path target = mountPoint.toAbsolutePath().normalize();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return Optional.empty();
        }
        Entry found = null;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 10) continue;
            int dash = line.indexOf(" - ");
            if (dash < 0) continue;
            String[] tail = line.substring(dash + 3).split(" ");
            Path mp = Path.of(unescape(f[4]));
            // The last matching line wins: it is the mount on top.
            if (mp.equals(target)) found = new Entry(mp, tail[0], tail.length > 1 ? unescape(tail[1]) : "", f[2]);
        }
        return Optional.ofNullable(found);
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }

    public static boolean isSharefs(Entry e) {
        return e.fsType().equals("fuse.sharefs");
    }
}
