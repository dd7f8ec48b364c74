package sharefs.fs;

import java.io.IOException;
import java.nio.file.Path;
import sharefs.backing.Errno;
import sharefs.backing.FileOps;
import sharefs.backing.FolderRoot;

/**
 * The mountpoint as a descriptor: an O_PATH handle of the directory, reached from "/" without
 * following any symlink (openat2 RESOLVE_NO_SYMLINKS, or a no-follow walk), for the mount to be
 * made on.
 */
final class MountPointFd {
    private MountPointFd() {
    }

    /** The descriptor; throws with one line when the path goes through a symlink or is not a directory. */
    static int open(Path mountPoint) {
        Path abs = mountPoint.toAbsolutePath().normalize();
        String rel = abs.toString().substring(1);
        if (rel.isEmpty()) throw new MountException("refusing to mount over /");
        try (FolderRoot slash = FolderRoot.open(Path.of("/"))) {
            int fd = slash.openDirPath(rel);
            if (fd >= 0) return fd;
            String why = fd == -Errno.ELOOP || fd == -Errno.ENOTDIR
                    ? "it is not a directory reached without symlinks" : Errno.describe(fd);
            throw new MountException("cannot open the mountpoint " + abs + ": " + why);
        } catch (IOException e) {
            throw new MountException("cannot open / to reach the mountpoint " + abs + ": " + e.getMessage(), e);
        }
    }

    static void close(int fd) {
        FileOps.close(fd);
    }
}
