package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The FUSE connection number of a mount just made: the minor of its device (st_dev), which
 * names /sys/fs/fuse/connections/N. The descriptor of the mountpoint still stats as the
 * directory underneath (a magic link does not cross into the mount on it), so the mount is
 * found in /proc/self/mountinfo instead: the one whose parent is the directory's mount, on the
 * directory's path, of type fuse.sharefs; the newest if several.
 */
final class ConnectionId {
    private ConnectionId() {
    }

    static int find(MountPoint mp, String fsType) throws IOException {
        return find(Files.readAllLines(Path.of("/proc/self/mountinfo")), mp.mountId(), mp.currentPath(), fsType);
    }

    /** Over the lines of a mountinfo; -1 when none matches. */
    static int find(List<String> mountinfo, int parentId, String path, String fsType) {
        int found = -1;
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 1 >= f.length) continue;
            if (!f[1].equals(Integer.toString(parentId)) || !Mountinfo.unescape(f[4]).equals(path) || !f[dash + 1].equals(fsType)) continue;
            found = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1));
        }
        return found;
    }
}
