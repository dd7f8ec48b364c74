package sharefs.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import sharefs.store.ProcessIds;

/**
 * The node agent's run directory (--run-dir, else $SHAREFS_RUN_DIR, else /run/sharefs): its
 * socket, the lock that makes it the only agent of this directory, and the list of its mounts
 * that the next agent cleans up after a crash. The directory is 0700 and the agent's own, so
 * only root reaches the socket at all; the socket checks the peer's credentials besides.
 */
public final class RunDir {
    public static final Path DEFAULT = Path.of("/run/sharefs");

    private final Path dir;

    public RunDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** --run-dir, else $SHAREFS_RUN_DIR, else /run/sharefs. */
    public static RunDir resolve(Path explicit, Map<String, String> env) {
        if (explicit != null) return new RunDir(explicit);
        String fromEnv = env.get("SHAREFS_RUN_DIR");
        if (fromEnv != null && !fromEnv.isBlank()) return new RunDir(Path.of(fromEnv));
        return new RunDir(DEFAULT);
    }

    public Path dir() { return dir; }
    public Path socket() { return dir.resolve("agent.sock"); }
    Path lockFile() { return dir.resolve("agent.lock"); }
    Path mountsFile() { return dir.resolve("mounts"); }

    /** Creates the directory 0700, or refuses one that is a symlink, another user's, or open to others. */
    void prepare() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another agent starting at once; the lock decides, the checks below still apply.
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (a symlink is refused)");
        }
        int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long me = ProcessIds.euid();
        if (uid != me) throw new IOException(dir + " belongs to uid " + uid + ", not to uid " + me + " that runs the agent");
        if ((mode & 077) != 0) {
            throw new IOException(String.format("%s is open to others (mode %04o); the agent's socket lives there: chmod 700 %s",
                    dir, mode & 07777, dir));
        }
    }

    /** The exclusive lock of this run directory, held for the agent's life; null if another agent holds it. */
    Lock lock() throws IOException {
        FileChannel ch = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldHere) {
            l = null; // an agent in this very JVM holds it (tests host agents in-process)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            return null;
        }
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new Lock(ch, l);
    }

    /** The pid written by the agent holding the lock, or -1. */
    long lockHolderPid() {
        try {
            String s = Files.readString(lockFile(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The mountpoints a previous agent of this directory left recorded (it may have crashed). */
    List<Path> recordedMounts() {
        List<Path> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(mountsFile(), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) out.add(Path.of(l));
            }
        } catch (IOException e) {
            // None recorded.
        }
        return out;
    }

    /** Records the live mountpoints, replacing the file atomically. */
    synchronized void recordMounts(Collection<Path> mountPoints) {
        Path tmp = dir.resolve("mounts.tmp");
        try {
            StringBuilder b = new StringBuilder();
            for (Path p : mountPoints) b.append(p).append('\n');
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, mountsFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(RunDir.class).warn("cannot record the mounts in {}: {}", mountsFile(), e.toString());
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** The held lock; closing it lets the next agent in. */
    static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // The process is ending; the kernel drops the lock with the descriptor.
            }
        }
    }
}
