package sharefs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import sharefs.fuse.kernel.Mountinfo;

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
            Path mp = Path.of(Mountinfo.unescape(f[4]));
            // The last matching line wins: it is the mount on top.
            if (mp.equals(target)) found = new Entry(mp, tail[0], tail.length > 1 ? Mountinfo.unescape(tail[1]) : "", f[2]);
        }
        return Optional.ofNullable(found);
    }

    public static boolean isSharefs(Entry e) {
        return e.fsType().equals("fuse.sharefs");
    }
}
