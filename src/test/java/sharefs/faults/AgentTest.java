package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fs.MountTable;
import sharefs.sharing.UsageMode;

/**
 * The node agent as a user meets it through the CLI, and the attacks on the control plane that
 * it ends: a readable home, a database port, calls from a session's uid.
 */
class AgentTest {
    static final String ANN = "ann@x.io", BOB = "bob@x.io";

    @TempDir
    Path tmp;

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static void oneLine(Install.Result r) {
        assertEquals(1, r.err().strip().lines().count(), () -> "one line on stderr: " + r);
        assertTrue(r.err().startsWith("sharefs: "), r::toString);
    }

    // ---- the lifecycle through the CLI -----------------------------------------------------------

    @Test
    @Timeout(120)
    void firstMountStartsAnAgentThatServesEveryLaterCallAndStopUnmountsEverything() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.users().add(null, BOB, null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            in.closeDb();
            assertFalse(Files.exists(in.run.socket()), "no agent before the first mount");
            Path a = in.mountPoint("a");
            Path b = in.mountPoint("b");
            in.mount(ANN, a);
            long pid = in.agentPid();
            assertTrue(Files.exists(in.run.socket()));
            // Every later call is served by that agent (the database is its alone now).
            assertEquals(0, in.cli("--as", ANN, "share", "invite", "tests", "--to", BOB, "--perm", "view").rc());
            assertEquals(0, in.cli("--as", BOB, "invitation", "accept", "1").rc());
            in.mount(BOB, b);
            assertEquals(pid, in.agentPid(), "one agent serves both mounts");
            assertEquals(List.of("tests"), list(b));

            Install.Result status = in.cli("--json", "node", "status");
            assertEquals(0, status.rc(), status.err());
            String json = status.out();
            for (String key : List.of("\"pid\":" + pid, "\"residentBytes\":", "\"mountpoint\":\"" + a + "\"",
                    "\"mountpoint\":\"" + b + "\"", "\"user\":\"" + BOB + "\"", "\"uid\":0", "\"engine\":\"kernel\"",
                    "\"folders\":[\"tests\"]", "\"openFiles\":0", "\"viewVersion\":")) {
                assertTrue(json.contains(key), key + " in " + json);
            }
            Install.Result text = in.cli("node", "status");
            assertTrue(text.out().contains(b.toString()) && text.out().contains(BOB), text.out());

            Install.Result stop = in.cli("node", "stop");
            assertEquals(0, stop.rc(), stop.err());
            assertTrue(stop.out().contains("2 mount(s) unmounted"), stop.out());
            assertFalse(MountTable.find(a).isPresent(), "node stop unmounted " + a);
            assertFalse(MountTable.find(b).isPresent(), "node stop unmounted " + b);
            assertTrue(Install.waitGone(pid, 10_000), "the agent process ended");
            Install.Result none = in.cli("node", "status");
            assertEquals(1, none.rc());
            assertEquals("sharefs: no node agent runs at " + in.run + "\n", none.err());
            // Without an agent, calls open the database themselves again.
            assertEquals(0, in.cli("--as", ANN, "folder", "list").rc());
        }
    }

    @Test
    @Timeout(120)
    void aMountThatFailsSaysTheAgentsReasonInOneLine() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.closeDb();
            Path mp = in.mountPoint("x");
            Install.Result unknown = in.cli("mount", "--user", "nobody@x.io", mp.toString());
            assertEquals(1, unknown.rc(), unknown.toString());
            assertEquals("sharefs: no such user: nobody@x.io", unknown.err().strip());
            Files.writeString(mp.resolve("precious"), "keep");
            Install.Result busy = in.cli("mount", "--user", ANN, mp.toString());
            assertEquals(1, busy.rc());
            oneLine(busy);
            assertTrue(busy.err().contains("not empty"), busy.err());
            assertEquals("keep", Files.readString(mp.resolve("precious")));
            assertFalse(MountTable.find(mp).isPresent());
        }
    }

    @Test
    @Timeout(120)
    void anAgentThatCannotStartIsReportedInOneLine() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.closeDb();
            Path mp = in.mountPoint("x");
            List<String> argv = in.cliProcess("mount", "--user", ANN, mp.toString());
            Install.Result r = Install.run(60, Map.of("SHAREFS_AGENT_JAVA_OPTS", "-XX:+NoSuchOptionSharefs"),
                    argv.toArray(new String[0]));
            assertEquals(1, r.rc(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("sharefs: the node agent could not start: "), r.err());
            assertFalse(MountTable.find(mp).isPresent());
        }
    }

    @Test
    @Timeout(120)
    void aSecondAgentOnTheSameRunDirectoryIsRefused() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            Install.Result second = in.cli("node", "--foreground");
            assertEquals(1, second.rc());
            oneLine(second);
            assertTrue(second.err().contains("a node agent already runs at " + in.run), second.err());
        }
    }

    @Test
    @Timeout(120)
    void aCallNamingAnotherHomeIsRefused() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            Path other = Files.createDirectories(tmp.resolve("other"));
            Install.Result r = Install.main("--home", other.toString(), "--run-dir", in.run.dir().toString(), "user", "list");
            assertEquals(1, r.rc(), r.toString());
            oneLine(r);
            assertTrue(r.err().contains("serves the home " + in.home.dir() + ", not " + other), r.err());
        }
    }

    @Test
    @Timeout(120)
    void aChangeReloadsOnlyTheMountsOfTheUsersItTouched() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.users().add(null, BOB, null, false);
            in.sharing.users().add(null, "cat@x.io", null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            in.sharing.folders().create("cat@x.io", "cats", null, null, UsageMode.GENERAL);
            Path a = in.mountPoint("a");
            Path b = in.mountPoint("b");
            Path c = in.mountPoint("c");
            in.mount(ANN, a);
            in.mount(BOB, b);
            in.mount("cat@x.io", c);
            Map<String, Long> before = versions(in);
            // Ann shares with Bob: Ann's and Bob's views may change, Cat's cannot.
            long inv = in.sharing.invitations().invite(ANN, "tests", List.of(BOB), sharefs.sharing.Permission.VIEW)
                    .get(0).invitationId();
            in.sharing.invitations().accept(BOB, inv);
            long end = System.currentTimeMillis() + 5000;
            while (!Files.exists(b.resolve("tests")) && System.currentTimeMillis() < end) Install.sleep(20);
            assertTrue(Files.exists(b.resolve("tests")), "the share reached Bob's live mount");
            Map<String, Long> after = versions(in);
            assertTrue(after.get(b.toString()) > before.get(b.toString()), "Bob's view reloaded: " + before + " -> " + after);
            assertEquals(before.get(c.toString()), after.get(c.toString()), "Cat's view was not touched: " + before + " -> " + after);
        }
    }

    /** Each mount's view version, from `node status --json`. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> versions(Install in) {
        Install.Result r = in.cli("--json", "node", "status");
        assertEquals(0, r.rc(), r.err());
        Map<String, Long> out = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\"mountpoint\":\"([^\"]+)\"[^}]*\"viewVersion\":(\\d+)\\}")
                .matcher(r.out());
        while (m.find()) out.put(m.group(1), Long.parseLong(m.group(2)));
        assertEquals(3, out.size(), r.out());
        return out;
    }

    @Test
    @Timeout(120)
    void aSessionHoldingAllItMayOpenStopsNeitherOtherMountsNorARevoke() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.users().add(null, BOB, null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            long inv = in.sharing.invitations().invite(ANN, "tests", List.of(BOB), sharefs.sharing.Permission.EDIT)
                    .get(0).invitationId();
            in.sharing.invitations().accept(BOB, inv);
            Path b = in.mountPoint("b");
            Path a = in.mountPoint("a");
            Install.Result m = in.cli("mount", "--user", BOB, "--uid", "0", "--gid", "0", "--max-open-files", "40", b.toString());
            assertEquals(0, m.rc(), m.err());
            in.mount(ANN, a);
            Files.writeString(a.resolve("tests").resolve("f"), "x");
            List<java.io.FileInputStream> held = new ArrayList<>();
            try {
                IOException refused = null;
                for (int i = 0; i < 100 && refused == null; i++) {
                    try {
                        held.add(new java.io.FileInputStream(b.resolve("tests").resolve("f").toFile()));
                    } catch (IOException e) {
                        refused = e;
                    }
                }
                assertEquals(40, held.size(), "the mount's cap");
                assertTrue(refused != null && refused.getMessage().contains("Too many open files in system"), String.valueOf(refused));
                // Another mount, the agent and its database are untouched.
                assertEquals("x", Files.readString(a.resolve("tests").resolve("f")));
                Install.Result kick = in.cli("--as", ANN, "share", "revoke", "tests", BOB);
                assertEquals(0, kick.rc(), kick.err());
                long end = System.currentTimeMillis() + 5000;
                while (Files.exists(b.resolve("tests")) && System.currentTimeMillis() < end) Install.sleep(20);
                assertFalse(Files.exists(b.resolve("tests")), "the kick-out reached the mount that holds its cap");
            } finally {
                for (java.io.FileInputStream f : held) f.close();
            }
        }
    }

    @Test
    @Timeout(180)
    void aSessionKillingItsOwnWritersMidWriteNeverReachesTheAgent() throws Exception {
        try (Install in = Install.withAgentInProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            Path a = in.mountPoint("a");
            in.mount(ANN, a);
            Path dir = a.resolve("tests");
            List<String[]> writers = List.of(
                    new String[] {"dd", "if=/dev/zero", "of=" + dir.resolve("dd"), "bs=1M", "count=100000"},
                    new String[] {"sh", "-c", "while :; do cat /dev/zero > \"$0\"; done", dir.resolve("cat").toString()},
                    new String[] {"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > \"$0/n$i\"; done", dir.toString()});
            for (int round = 0; round < 12; round++) {
                Process p = new ProcessBuilder(writers.get(round % writers.size())).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Install.sleep(100 + 50L * (round % 4));
                // The whole writer, the shell and what it runs, as a session's kill -9 of a job does.
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "a killed writer ended");
                p.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            // The mount, the agent and its database are all still there.
            Files.writeString(dir.resolve("after"), "still here");
            assertEquals("still here", Files.readString(dir.resolve("after")));
            // The kernel releases a dead writer's descriptors on its own time: wait for it, do not race it.
            Install.Result status = in.cli("--json", "node", "status");
            long end = System.currentTimeMillis() + 10_000;
            while (!status.out().contains("\"openFiles\":0") && System.currentTimeMillis() < end) {
                Install.sleep(50);
                status = in.cli("--json", "node", "status");
            }
            assertEquals(0, status.rc(), status.err());
            assertTrue(status.out().contains("\"openFiles\":0"), "every killed writer's descriptor was released: " + status.out());
            assertEquals(0, in.cli("--as", ANN, "folder", "rename", "tests", "tests2").rc());
        }
    }

    // ---- a home the control plane alone can read ------------------------------------------------

    @Test
    @Timeout(120)
    void theHomeAndEverythingInItIsRootsAlone() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            in.closeDb();
            in.mount(ANN, in.mountPoint("a"));
            for (Path d : List.of(in.home.dir(), in.home.db(), in.home.storage(), in.home.logs())) {
                assertEquals(0700, mode(d), d + " is 0700");
            }
            List<Path> files = new ArrayList<>();
            for (Path d : List.of(in.home.db(), in.home.logs())) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(Files::isRegularFile).forEach(files::add);
                }
            }
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("credentials")), files.toString());
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("agent.log")), files.toString());
            for (Path f : files) assertEquals(0600, mode(f), f + " is 0600");
            assertEquals(0700, mode(in.run.dir()));
            assertEquals(0600, mode(in.run.socket()));
            // A session's uid reaches nothing of it.
            for (Path p : List.of(in.home.db().resolve("credentials"), in.home.storage(), in.run.socket())) {
                Install.Result r = Install.run(30, "setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups",
                        "cat", p.toString());
                assertNotEquals(0, r.rc(), "uid 1000 read " + p);
                assertTrue(r.out().contains("Permission denied"), r.out());
            }
        }
    }

    @Test
    void aHomeOthersCanReadIsRefusedWithTheFix() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Install.Result r = Install.main("--home", home.toString(), "--run-dir", tmp.resolve("run").toString(), "user", "list");
        assertEquals(1, r.rc(), r.toString());
        assertEquals("sharefs: refusing home " + home + ": " + home + " is open to others (mode 0755); it holds every"
                + " folder's bytes and the database: chmod 700 " + home, r.err().strip());
        assertFalse(Files.exists(home.resolve("db")), "nothing was made in a refused home");

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(home.resolve("db"));
        Files.setPosixFilePermissions(home.resolve("db"), PosixFilePermissions.fromString("rwx---rwx"));
        // In a JVM of its own: an agent that starts takes over its process (umask, limits).
        Install.Result db = Install.run(60, cliArgv(home, tmp.resolve("run"), "node", "--foreground"));
        assertEquals(1, db.rc(), db.toString());
        assertTrue(db.err().contains(home.resolve("db") + " is open to others (mode 0707)"), db.err());
        assertFalse(Files.exists(tmp.resolve("run").resolve("agent.sock")), "the refused agent never listened");

        Files.setPosixFilePermissions(home.resolve("db"), PosixFilePermissions.fromString("rwx------"));
        Install.run(30, "chown", "1000:1000", home.toString());
        Install.Result owner = Install.main("--home", home.toString(), "--run-dir", tmp.resolve("run").toString(), "user", "list");
        assertEquals(1, owner.rc(), owner.toString());
        assertTrue(owner.err().contains("belongs to uid 1000, not to uid 0"), owner.err());
    }

    // ---- no port, no second way in ---------------------------------------------------------------

    @Test
    @Timeout(120)
    void theAgentListensOnNoTcpPortAndOnlyRootGetsAnswers() throws Exception {
        try (Install in = Install.withAgentProcess(tmp)) {
            in.sharing.users().add(null, ANN, null, false);
            in.sharing.folders().create(ANN, "tests", null, null, UsageMode.GENERAL);
            in.closeDb();
            in.mount(ANN, in.mountPoint("a"));
            long pid = in.agentPid();
            Set<String> sockets = socketInodes(pid);
            assertFalse(sockets.isEmpty(), "the agent has its Unix socket at least");
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && sockets.contains(f[9])) {
                        throw new AssertionError("the agent has an IP socket: " + table + ": " + line);
                    }
                }
            }

            // A session's uid cannot even reach the socket ...
            Install.Result denied = Install.run(60, sessionCli(in, "node", "status"));
            assertEquals(1, denied.rc(), denied.out());
            assertTrue(denied.out().contains("sharefs: only root may talk to the node agent at " + in.run), denied.out());
            // ... and were the run directory opened up by mistake, the agent itself refuses it.
            Files.setPosixFilePermissions(in.run.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(in.run.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            Install.Result refused = Install.run(60, sessionCli(in, "--as", ANN, "folder", "delete", "tests"));
            assertEquals(1, refused.rc(), refused.out());
            assertTrue(refused.out().contains("answers root only"), refused.out());
            Files.setPosixFilePermissions(in.run.dir(), PosixFilePermissions.fromString("rwx------"));
            Install.Result list = in.cli("--as", ANN, "folder", "list");
            assertTrue(list.out().contains("tests"), "the refused call changed nothing: " + list.out());
        }
    }

    /**
     * A CLI JVM run as uid 1000 (the session's), with this installation's home and run directory;
     * the jars it needs are copied where that uid can read them.
     */
    private static String[] sessionCli(Install in, String... args) throws IOException {
        Path cp = Files.createDirectories(in.dir.resolve("session-classpath"));
        Files.setPosixFilePermissions(cp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (!Files.isRegularFile(p)) {
                entries.add(e);
                continue;
            }
            Path copy = cp.resolve(entries.size() + "-" + p.getFileName());
            if (!Files.exists(copy)) Files.copy(p, copy);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            entries.add(copy.toString());
        }
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups"));
        List<String> cli = in.cliProcess(args);
        int at = cli.indexOf("-cp");
        cli.set(at + 1, String.join(java.io.File.pathSeparator, entries));
        argv.addAll(cli);
        return argv.toArray(new String[0]);
    }

    private static String[] cliArgv(Path home, Path run, String... args) {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                sharefs.cli.Main.class.getName(), "--home", home.toString(), "--run-dir", run.toString()));
        argv.addAll(List.of(args));
        return argv.toArray(new String[0]);
    }

    /** The inode numbers of the sockets a process holds. */
    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) out.add(target.substring(8, target.length() - 1));
                } catch (IOException gone) {
                    // Closed meanwhile.
                }
            }
        }
        return out;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
