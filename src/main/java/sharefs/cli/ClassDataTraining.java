package sharefs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import sharefs.access.LiveView;
import sharefs.access.MountScope;
import sharefs.access.SharingGrantSource;
import sharefs.fs.NativeWarmUp;
import sharefs.node.Agent;
import sharefs.node.RunDir;
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;

/**
 * What scripts/sharefs runs once per build under -XX:DumpLoadedClassList, to list the classes its
 * static class-data archive holds: those a CLI call and a mount daemon load (picocli's whole
 * command tree, H2 and Flyway, the sharing rules, the live view, jnr-ffi's FUSE binding),
 * exercised against a throwaway home. Every later CLI call and every daemon maps that archive,
 * which roughly halves a JVM's start.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        NativeWarmUp warm = NativeWarmUp.start();
        Path home = Files.createTempDirectory("sharefs-cds-");
        try {
            StringWriter sink = new StringWriter();
            PrintWriter w = new PrintWriter(sink);
            String h = home.toString();
            run(w, "--help");
            run(w, "help", "share");
            run(w, "--home", h, "user", "add", "owner@training.invalid");
            run(w, "--home", h, "user", "add", "guest@training.invalid");
            run(w, "--home", h, "--as", "owner@training.invalid", "folder", "create", "data");
            run(w, "--home", h, "--json", "--as", "owner@training.invalid", "share", "invite", "data",
                    "--to", "guest@training.invalid", "--perm", "edit");
            run(w, "--home", h, "--as", "guest@training.invalid", "invitation", "list");
            run(w, "--home", h, "--json", "--as", "owner@training.invalid", "share", "list", "data");
            run(w, "--home", h, "--as", "owner@training.invalid", "folder", "list");
            run(w, "--home", h, "audit");
            run(w, "--home", h, "mount", "--help");
            liveView(home);
            spawn(home);
            agent(home, w);
            warm.await();
        } finally {
            deleteTree(home);
        }
    }

    private static void run(PrintWriter w, String... args) {
        Main.run(args, w, w);
    }

    /** The agent's side: the view a mount loads. */
    private static void liveView(Path dir) {
        Home home = new Home(dir, null);
        try (Database db = Database.open(home)) {
            Sharing sharing = new Sharing(db, home);
            long id = sharing.users().get("guest@training.invalid").id();
            try (LiveView view = new LiveView(new SharingGrantSource(sharing, id), MountScope.ALL, home::folderDir)) {
                view.load();
            }
        }
    }

    /** What `mount` runs on its way to a node agent: the spawn (of `true`). */
    private static void spawn(Path dir) throws IOException {
        try (DetachedProcess p = DetachedProcess.start(java.util.List.of("true"), dir.resolve("spawn.log"))) {
            p.stdout().read();
            p.reap();
        }
    }

    /** The node agent's side and a forwarded call's: an agent in this JVM, calls through its socket. */
    private static void agent(Path dir, PrintWriter w) throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        String h = dir.toString();
        String r = run.resolve("agent").toString();
        Agent agent = Agent.start(new Home(dir, null), null, new RunDir(run.resolve("agent")), Main::runInAgent, new Agent.Options(false, 0));
        try {
            run(w, "--home", h, "--run-dir", r, "--as", "guest@training.invalid", "folder", "list");
            run(w, "--home", h, "--run-dir", r, "--json", "node", "status");
            run(w, "--home", h, "--run-dir", r, "--as", "owner@training.invalid", "share", "set", "data",
                    "guest@training.invalid", "--perm", "view");
        } finally {
            agent.close();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
