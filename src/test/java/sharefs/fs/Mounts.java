package sharefs.fs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import sharefs.node.MountService;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Invitation;
import sharefs.sharing.InviteOutcome;
import sharefs.sharing.Permission;
import sharefs.sharing.Sharing;
import sharefs.sharing.UsageMode;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.Command;
import sharefs.testing.TestDb;

/**
 * One throwaway installation (H2 file + storage) and the live mounts made over it. close()
 * unmounts everything, falling back to a lazy fusermount, and closes the database.
 */
final class Mounts implements AutoCloseable {
    static final long UID = 1000, GID = 1000;
    /** How long a change may take to reach a live mount before a test gives up (never asserted as timing). */
    static final Duration SETTLE = Duration.ofSeconds(3);

    final Path dir;
    final Home home;
    final Sharing sharing;
    /** The node agent's core, in this JVM: it mounts, and keeps every mount's view current. */
    final MountService service;
    private final List<ViewMount> mounts = new ArrayList<>();
    /** Views served by the kernel engine, kept current by {@link #kernelReloads} as the agent would. */
    private final List<KernelViewMount> kernelMounts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private java.util.concurrent.ScheduledExecutorService kernelReloads;

    /** The FUSE engine a mount runs on. */
    /** KERNEL takes requests through FUSE over io_uring, as the agent's mounts do; KERNEL_DEVICE through /dev/fuse. */
    enum Engine { LIBFUSE2, KERNEL, KERNEL_DEVICE }
    private final List<Path> mountPoints = new ArrayList<>();

    Mounts(Path dir) throws IOException {
        // Other uids (1000 in the uid tests) must be able to reach the mountpoints; JUnit makes 0700 dirs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.dir = dir;
        this.home = TestDb.home(dir.resolve("home"));
        home.prepare();
        this.sharing = new Sharing(Database.open(home), home);
        this.service = new MountService(sharing, 1000);
    }

    void user(String email) {
        sharing.users().add(null, email, null, false);
    }

    void admin(String email) {
        sharing.users().add(null, email, null, true);
    }

    FolderAccess folder(String owner, String name) {
        return sharing.folders().create(owner, name, null, null, UsageMode.GENERAL);
    }

    /** Invites and accepts at once. */
    void share(String owner, String folder, String invitee, Permission perm) {
        accept(invitee, invite(owner, folder, invitee, perm));
    }

    long invite(String owner, String folder, String invitee, Permission perm) {
        List<InviteOutcome> out = sharing.invitations().invite(owner, folder, List.of(invitee), perm);
        if (out.size() != 1 || !out.get(0).invited()) fail("invitation refused: " + out);
        return out.get(0).invitationId();
    }

    Invitation accept(String invitee, long id) {
        return sharing.invitations().accept(invitee, id);
    }

    String folderId(String email, String name) {
        return sharing.folders().view(email).stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(email + " has no folder " + name)).folderId();
    }

    Path backing(String email, String name) {
        return home.folderDir(folderId(email, name));
    }

    /** A fresh empty mountpoint below the installation dir. */
    Path mountPoint(String name) throws IOException {
        Path mp = dir.resolve("mnt").resolve(name);
        Files.createDirectories(mp);
        Files.setPosixFilePermissions(dir.resolve("mnt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return mp;
    }

    /**
     * The fixture of the single-user tests: email owns one folder and their view is mounted at
     * mountPoint(mountName); returns that mount point.
     */
    Path soloMount(String email, String folder, String mountName) throws IOException {
        user(email);
        folder(email, folder);
        Path mp = mountPoint(mountName);
        mount(email, mp);
        return mp;
    }

    /** soloMount on libfuse2, for the tests of what that engine alone does. */
    Path soloMountLibfuse2(String email, String folder, String mountName) throws IOException {
        user(email);
        folder(email, folder);
        Path mp = mountPoint(mountName);
        mount(Engine.LIBFUSE2, email, mp);
        return mp;
    }

    ViewMount mount(String email, Path mp) {
        return mount(new MountRequest(email, mp, UID, GID, null, List.of(), 0.5));
    }

    ViewMount mount(MountRequest req) {
        synchronized (mountPoints) {
            mountPoints.add(req.mountPoint());
        }
        ViewMount m = service.mount(req);
        synchronized (mounts) {
            mounts.add(m);
        }
        return m;
    }

    /** Mounts email's view at mp on engine. */
    void mount(Engine engine, String email, Path mp) throws IOException {
        if (engine == Engine.LIBFUSE2) {
            mount(new MountRequest(email, mp, UID, GID, null, List.of(), 0.5, FsLimits.DEFAULT, sharefs.fs.Engine.LIBFUSE2));
            return;
        }
        synchronized (mountPoints) {
            mountPoints.add(mp);
        }
        kernelMounts.add(KernelViewMount.mount(this, email, mp, KERNEL_DEADLINE, FsLimits.DEFAULT,
                Lent.nothing().withUring(engine != Engine.KERNEL_DEVICE)));
        synchronized (this) {
            if (kernelReloads == null) {
                // The agent's change watcher, for mounts it does not serve yet: a view behind the
                // database's change counter is reloaded (and the kernel told what went stale).
                kernelReloads = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "kernel-view-reloads");
                    t.setDaemon(true);
                    return t;
                });
                kernelReloads.scheduleWithFixedDelay(this::reloadKernelViews, 50, 50, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** How long a kernel-engine mount of a test may live before its connection is aborted. */
    static final Duration KERNEL_DEADLINE = Duration.ofMinutes(10);

    private void reloadKernelViews() {
        try {
            long counter = sharing.db().changeCounter();
            for (KernelViewMount m : kernelMounts) {
                if (m.view.current().version() != counter) m.view.reload();
            }
        } catch (RuntimeException e) {
            System.err.println("reloading kernel-engine views: " + e);
        }
    }

    /** Remembers a mountpoint mounted by other means (a subprocess) so close() detaches it. */
    void track(Path mp) {
        synchronized (mountPoints) {
            mountPoints.add(mp);
        }
    }

    @Override
    public void close() {
        List<ViewMount> ms;
        synchronized (mounts) {
            ms = new ArrayList<>(mounts);
            mounts.clear();
        }
        for (ViewMount m : ms) {
            try {
                m.close();
            } catch (RuntimeException e) {
                System.err.println("closing mount " + m.mountPoint() + ": " + e);
            }
        }
        synchronized (this) {
            if (kernelReloads != null) kernelReloads.shutdownNow();
        }
        for (KernelViewMount m : kernelMounts) {
            try {
                m.close();
            } catch (RuntimeException e) {
                System.err.println("closing kernel-engine mount " + m.mountPoint + ": " + e);
            }
        }
        kernelMounts.clear();
        synchronized (mountPoints) {
            for (Path mp : mountPoints) forceUnmount(mp);
        }
        service.close();
        try {
            sharing.db().close();
        } catch (RuntimeException e) {
            System.err.println("closing database: " + e);
        }
    }

    /** The fallback: fusermount -u -z while the kernel still lists the path. */
    static void forceUnmount(Path mp) {
        for (int i = 0; i < 3 && MountTable.find(mp).isPresent(); i++) {
            run(List.of("fusermount", "-u", "-z", mp.toString()), Duration.ofSeconds(10));
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> argv, Duration timeout) {
        return run(argv, timeout, java.util.Map.of());
    }

    /** env: added to this process's environment for the command. */
    static Result run(List<String> argv, Duration timeout, java.util.Map<String, String> env) {
        Command.Result r = Command.run(argv, timeout, env, java.nio.charset.StandardCharsets.UTF_8);
        return new Result(r.exit(), r.out(), r.timedOut() ? r.err() + " [timed out]" : r.err());
    }

    /** Polls until cond holds, for at most SETTLE; fails with what() otherwise. No timing is asserted. */
    static void eventually(String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            if (cond.getAsBoolean()) return;
            if (System.nanoTime() > deadline) fail("not within " + SETTLE.toSeconds() + " s: " + what);
            sleep(20);
        }
    }

    /** Polls until the supplier gives the expected value; returns the last value seen either way. */
    static <T> void eventuallyEquals(String what, T expected, Supplier<T> actual) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        T last;
        while (true) {
            last = actual.get();
            if (java.util.Objects.equals(expected, last)) return;
            if (System.nanoTime() > deadline) break;
            sleep(20);
        }
        fail("not within " + SETTLE.toSeconds() + " s: " + what + ": expected <" + expected + "> but was <" + last + ">");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
