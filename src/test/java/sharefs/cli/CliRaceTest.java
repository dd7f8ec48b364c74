package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sharefs.sharing.Permission;

/** Separate CLI invocations racing on one installation, as separate shells would. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CliRaceTest extends CliTestBase {

    private List<Result> race(List<String[]> invocations) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(invocations.size());
        try {
            CyclicBarrier go = new CyclicBarrier(invocations.size());
            List<Future<Result>> fs = new ArrayList<>();
            for (String[] args : invocations) {
                fs.add(pool.submit(() -> {
                    go.await(5, TimeUnit.SECONDS);
                    return sh(args);
                }));
            }
            List<Result> out = new ArrayList<>();
            for (Future<Result> f : fs) out.add(f.get(15, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentAcceptsOfOneInvitationExitZeroExactlyOnce() throws Exception {
        addUser("ann@x.io");
        addUser("bob@x.io");
        createFolder("ann@x.io", "tests");
        long id = svc.invitations().invite("ann@x.io", "tests", List.of("bob@x.io"), Permission.VIEW).get(0).invitationId();
        List<String[]> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(as("bob@x.io", "invitation", "accept", Long.toString(id)));
        List<Result> results = race(runs);
        assertEquals(1, results.stream().filter(r -> r.code() == 0).count(), results.toString());
        for (Result r : results) {
            if (r.code() == 0) continue;
            assertEquals(1, r.code(), r.toString());
            assertOneErrorLine(r);
            assertTrue(r.err().contains("pending"), r.toString());
        }
        assertEquals(List.of("tests"), folderNames("bob@x.io"));
        assertEquals(1, svc.shares().list("ann@x.io", "tests").size());
    }

    @Test
    void concurrentInvitesOfOneUserLeaveOnePendingInvitation() throws Exception {
        addUser("ann@x.io");
        addUser("bob@x.io");
        createFolder("ann@x.io", "tests");
        List<String[]> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(as("ann@x.io", "share", "invite", "tests", "--to", "bob@x.io", "--perm", "edit"));
        List<Result> results = race(runs);
        assertEquals(1, results.stream().filter(r -> r.code() == 0).count(), results.toString());
        for (Result r : results) {
            if (r.code() != 0) {
                assertEquals(1, r.code(), r.toString());
                assertOneErrorLine(r);
            }
        }
        assertEquals(1, svc.invitations().list("bob@x.io").stream().filter(i -> i.state().equals("pending")).count());
    }
}
