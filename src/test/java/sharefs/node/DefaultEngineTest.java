package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fs.Engine;
import sharefs.fs.FsLimits;
import sharefs.fs.MountRequest;
import sharefs.sharing.Sharing;
import sharefs.sharing.UsageMode;
import sharefs.store.Database;
import sharefs.store.Home;
import sharefs.testing.MountDeadline;
import sharefs.testing.TestDb;

/**
 * Which engine serves a mount: the one it names; else the agent's `--engine`; else the kernel
 * engine where the kernel speaks FUSE 7.31+ (this machine's speaks 7.45), and libfuse2 once a
 * handshake has shown it does not. `node status` names the engine that really serves.
 */
@Timeout(120)
class DefaultEngineTest {
    static final String A = "a@x.io";

    @TempDir
    Path dir;
    Sharing sharing;
    MountService service;
    MountDeadline deadline;
    Path k, l;

    @BeforeEach
    void install() throws IOException {
        Home home = TestDb.home(dir.resolve("home"));
        home.prepare();
        sharing = new Sharing(Database.open(home), home);
        sharing.users().add(null, A, null, false);
        sharing.folders().create(A, "tests", null, null, UsageMode.GENERAL);
        service = new MountService(sharing, 1000);
        k = Files.createDirectories(dir.resolve("mnt/k"));
        l = Files.createDirectories(dir.resolve("mnt/l"));
        deadline = MountDeadline.of(Duration.ofSeconds(100), k, l);
    }

    @AfterEach
    void close() {
        try {
            if (service != null) service.close();
        } finally {
            if (deadline != null) deadline.close();
            sharing.db().close();
        }
    }

    private MountRequest request(Path mp, Engine engine) {
        return new MountRequest(A, mp, 0, 0, null, List.of(), 0.5, FsLimits.DEFAULT, engine);
    }

    private List<String> statusEngines() {
        return service.status().stream().map(i -> i.mountPoint().getFileName() + " " + i.engine()).toList();
    }

    @Test
    void aMountNamingNoEngine_isServedByTheKernelEngine_onThisKernel() throws IOException {
        assertEquals(Engine.KERNEL, service.mount(request(k, null)).engine());
        assertEquals(Engine.LIBFUSE2, service.mount(request(l, Engine.LIBFUSE2)).engine());
        assertEquals(List.of("k kernel", "l libfuse2"), statusEngines());
        assertEquals(List.of("tests"), List.of(k.toFile().list()));
        assertEquals(List.of("tests"), List.of(l.toFile().list()));
    }

    @Test
    void theAgentsEngine_servesMountsNamingNone_andANamedEngineWins() {
        service.defaultEngine(Engine.LIBFUSE2);
        assertEquals(Engine.LIBFUSE2, service.mount(request(k, null)).engine());
        assertEquals(Engine.KERNEL, service.mount(request(l, Engine.KERNEL)).engine());
        assertEquals(List.of("k libfuse2", "l kernel"), statusEngines());
    }

    /**
     * What an agent does once a handshake showed the kernel engine cannot run on its kernel
     * (told here, since this kernel speaks 7.45): mounts naming no engine go to libfuse2 without
     * trying again; a mount naming the kernel engine is still tried, and served where it can be.
     */
    @Test
    void onceTheKernelEngineIsKnownNotToRunHere_mountsNamingNoEngineGoToLibfuse2() {
        service.kernelEngineUnsupported();
        assertEquals(Engine.LIBFUSE2, service.mount(request(k, null)).engine());
        assertEquals(Engine.KERNEL, service.mount(request(l, Engine.KERNEL)).engine());
        assertEquals(List.of("k libfuse2", "l kernel"), statusEngines());
    }
}
