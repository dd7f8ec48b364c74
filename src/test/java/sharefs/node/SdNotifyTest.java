package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.cli.Main;

/** The agent tells systemd it is ready (Type=notify) once it answers, and that it stops when it does. */
class SdNotifyTest {
    /** A datagram socket to play systemd's end of NOTIFY_SOCKET. */
    public interface Sock {
        int socket(int domain, int type, int protocol);

        int bind(int fd, @In byte[] addr, int len);

        long recv(int fd, @Out byte[] buf, long len, int flags);

        int close(int fd);
    }

    private static final int AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 04000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void theAgentSaysReadyOnceItAnswersAndStoppingWhenItStops() throws Exception {
        Sock s = LibraryLoader.create(Sock.class).load("c");
        Path notify = tmp.resolve("notify");
        int fd = s.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        assertTrue(fd >= 0);
        Process agent = null;
        try {
            byte[] addr = SdNotify.address(notify.toString());
            assertEquals(0, s.bind(fd, addr, addr.length), "bind " + notify);
            Path home = tmp.resolve("home");
            Path run = tmp.resolve("run");
            List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "--home", home.toString(), "--run-dir", run.toString(), "node", "--foreground"));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("agent.out").toFile());
            pb.environment().put("NOTIFY_SOCKET", notify.toString());
            agent = pb.start();
            String ready = receive(s, fd, agent);
            assertTrue(ready.contains("READY=1"), ready);
            assertTrue(ready.contains("MAINPID=" + agent.pid()), "the agent names itself: " + ready);
            // Ready means answering: a call made right after the datagram is served.
            assertTrue(Files.exists(run.resolve("agent.sock")), "the socket exists when READY=1 is sent");
            Process status = new ProcessBuilder(cli(home, run, "node", "status")).redirectErrorStream(true).start();
            assertTrue(status.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, status.exitValue(), new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

            agent.destroy(); // SIGTERM, as systemctl stop sends it
            String stopping = receive(s, fd, null);
            assertTrue(stopping.contains("STOPPING=1"), stopping);
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent ended after SIGTERM");
        } finally {
            s.close(fd);
            if (agent != null) agent.destroyForcibly();
        }
    }

    private static List<String> cli(Path home, Path run, String... args) {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--home", home.toString(), "--run-dir", run.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** The next datagram, waiting up to 60 s (and failing early if the process died). */
    private static String receive(Sock s, int fd, Process p) throws IOException, InterruptedException {
        byte[] buf = new byte[4096];
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            long n = s.recv(fd, buf, buf.length, 0);
            if (n > 0) return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
            if (p != null && !p.isAlive()) throw new AssertionError("the agent exited with " + p.exitValue() + " before it was ready");
            Thread.sleep(20);
        }
        throw new AssertionError("no datagram within 60 s");
    }
}
