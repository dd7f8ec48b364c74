package sharefs.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import sharefs.fs.MountTable;
import sharefs.fs.Preflight;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Sharing;
import sharefs.sharing.UsageMode;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.InProcessCli;

/**
 * A throwaway installation with one owner folder, mounted for real on the engine asked for by a
 * node agent in a JVM of its own (started by `sharefs mount`, as for a user). The agent must be another process: a
 * process that page-faults on an mmap of a FUSE file it serves itself deadlocks on its own
 * memory-map lock.
 */
final class Mounted implements AutoCloseable {
    final Home home;
    final Path runDir;
    final Path mountPoint;
    final Path folder;
    final Path backing;

    /** engine: `--engine` of the mount (kernel or libfuse2). */
    Mounted(Path dir, String folderName, String engine) throws Exception {
        this(dir, folderName, engine, java.util.List.of());
    }

    /**
     * engine: `--engine` of the mount (kernel or libfuse2); nodeOptions: when any, the agent is
     * started first with `sharefs node` and them (the mount then finds it).
     */
    Mounted(Path dir, String folderName, String engine, java.util.List<String> nodeOptions) throws Exception {
        home = new Home(dir.resolve("home"), null);
        home.prepare();
        runDir = dir.resolve("run");
        FolderAccess f;
        // Arranged here, then let go: the agent the mount starts must open the embedded database.
        try (Database db = Database.open(home)) {
            Sharing sharing = new Sharing(db, home);
            sharing.users().add(null, "owner@x.io", null, false);
            f = sharing.folders().create("owner@x.io", folderName, null, null, UsageMode.GENERAL);
        }
        mountPoint = Files.createDirectories(dir.resolve("mnt"));
        if (!nodeOptions.isEmpty()) {
            java.util.List<String> node = new java.util.ArrayList<>(java.util.List.of("node"));
            node.addAll(nodeOptions);
            cli(node.toArray(new String[0]));
        }
        cli("mount", "--user", "owner@x.io", "--uid", "0", "--gid", "0", "--engine", engine, mountPoint.toString());
        folder = mountPoint.resolve(folderName);
        backing = home.folderDir(f.folderId());
    }

    /** `sharefs --json node status` as the agent answers it. */
    String status() {
        InProcessCli.Result r = InProcessCli.run("--home", home.dir().toString(), "--run-dir", runDir.toString(), "--json",
                "node", "status");
        if (r.code() != 0) throw new IllegalStateException("sharefs node status failed: " + r.err());
        return r.out();
    }

    private void cli(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--home";
        all[1] = home.dir().toString();
        all[2] = "--run-dir";
        all[3] = runDir.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        InProcessCli.Result r = InProcessCli.run(all);
        if (r.code() != 0) throw new IllegalStateException("sharefs " + String.join(" ", args) + " failed: " + r.err());
    }

    @Override
    public void close() {
        try {
            cli("node", "stop");
        } finally {
            if (MountTable.find(mountPoint).isPresent()) Preflight.unmount(mountPoint, true);
        }
    }
}
