package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import sharefs.backing.FolderRoot;

/**
 * The mountpoint as an O_PATH directory descriptor, reached from "/" without following any
 * symlink (the backing layer's openat2 RESOLVE_NO_SYMLINKS or no-follow walk, as the libfuse
 * engine's mountpoint is opened), so mount(2) and umount2(2) act on the directory that was
 * checked, named as /proc/self/fd/N, however the path changes meanwhile.
 */
final class MountPoint implements AutoCloseable {
    private final int fd;
    private final Path path;

    private MountPoint(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    static MountPoint open(Path mountPoint) {
        Path abs = mountPoint.toAbsolutePath().normalize();
        String rel = abs.toString().substring(1);
        if (rel.isEmpty()) throw new FuseException("refusing to mount over /");
        try (FolderRoot slash = FolderRoot.open(Path.of("/"))) {
            int fd = slash.openDirPath(rel);
            if (fd >= 0) return new MountPoint(fd, abs);
            String why = fd == -40 || fd == -20 ? "it is not a directory reached without symlinks" : Errors.describe(fd);
            throw new FuseException("cannot open the mountpoint " + abs + ": " + why);
        } catch (IOException e) {
            throw new FuseException("cannot open / to reach the mountpoint " + abs + ": " + e.getMessage(), e);
        }
    }

    int fd() {
        return fd;
    }

    /** The path as given, for messages. */
    Path path() {
        return path;
    }

    /** The name mount(2) and umount2(2) get: the descriptor's magic link, never re-resolved by path. */
    byte[] procPath() {
        return KernelLibC.cstr("/proc/self/fd/" + fd);
    }

    /** Where the directory is now, as /proc/self/mountinfo spells mountpoints. */
    String currentPath() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /** The id of the mount the directory itself lies on (the parent of a mount made on it). */
    int mountId() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("mnt_id:")) return Integer.parseInt(line.substring(7).trim());
        }
        throw new IOException("no mnt_id in /proc/self/fdinfo/" + fd);
    }

    @Override
    public void close() {
        KernelLibC.get().close(fd);
    }
}
