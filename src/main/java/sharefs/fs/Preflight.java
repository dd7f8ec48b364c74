package sharefs.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything checked before mounting, each refusal one clear line. */
public final class Preflight {
    private static final Logger log = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {
    }

    public static void check(Path mountPoint) {
        checkFuse();
        Optional<MountTable.Entry> mounted = MountTable.find(mountPoint);
        if (mounted.isPresent()) {
            if (isStale(mountPoint)) {
                log.info("recovering stale mountpoint {}", mountPoint);
                unmount(mountPoint, true);
            } else {
                throw new MountException(mountPoint + " is already mounted (" + mounted.get().fsType() + "); sharefs umount it first");
            }
        }
        if (!Files.exists(mountPoint, LinkOption.NOFOLLOW_LINKS)) {
            throw new MountException("mountpoint " + mountPoint + " does not exist");
        }
        Path link = firstSymlink(mountPoint);
        if (link != null) {
            // The agent mounts as root: a path through a link that someone else controls could put
            // a user's view over any directory of the host.
            throw new MountException("mountpoint " + mountPoint + " goes through the symlink " + link
                    + ", which is refused: give the real path");
        }
        if (!Files.isDirectory(mountPoint)) {
            throw new MountException("mountpoint " + mountPoint + " is not a directory");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(mountPoint)) {
            if (ds.iterator().hasNext()) throw new MountException("mountpoint " + mountPoint + " is not empty");
        } catch (IOException e) {
            throw new MountException("cannot read mountpoint " + mountPoint + ": " + e.getMessage());
        }
    }

    /** What every mount needs from the machine: the FUSE device and fusermount. */
    public static void checkFuse() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new MountException("/dev/fuse is missing: load the fuse module (modprobe fuse) or run the container with --device /dev/fuse");
        }
        if (fusermount() == null) {
            throw new MountException("fusermount not found: install the fuse package (apt-get install fuse libfuse2)");
        }
    }

    /** The first component of an absolute path that is a symlink, or null. */
    static Path firstSymlink(Path p) {
        Path at = p.getRoot();
        for (Path name : p) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) return at;
        }
        return null;
    }

    /** A FUSE mount whose daemon died answers ENOTCONN ("Transport endpoint is not connected"). */
    public static boolean isStale(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, java.nio.file.attribute.BasicFileAttributes.class);
            return false;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("Transport endpoint is not connected") || m.contains("ENOTCONN");
        }
    }

    static String fusermount() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "fusermount");
            if (Files.isExecutable(p)) return p.toString();
        }
        for (String p : new String[] {"/bin/fusermount", "/usr/bin/fusermount"}) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return null;
    }

    /** fusermount -u [-z]; returns null on success, else fusermount's own reason. */
    public static String unmount(Path mountPoint, boolean lazy) {
        String fm = fusermount();
        if (fm == null) return "fusermount not found";
        try {
            ProcessBuilder pb = lazy ? new ProcessBuilder(fm, "-u", "-z", mountPoint.toString())
                    : new ProcessBuilder(fm, "-u", mountPoint.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "fusermount timed out";
            }
            return p.exitValue() == 0 ? null : (out.isEmpty() ? "fusermount failed" : out.replace('\n', ' '));
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
