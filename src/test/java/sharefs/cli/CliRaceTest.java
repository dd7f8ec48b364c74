package sharefs.cli;

import static sharefs.testing.Cast.*;
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
        addUser(ANN);
        addUser(BOB);
        createFolder(ANN, "tests");
        long id = svc.invitations().invite(ANN, "tests", List.of(BOB), Permission.VIEW).get(0).invitationId();
        List<String[]> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(as(BOB, "invitation", "accept", Long.toString(id)));
        List<Result> results = race(runs);
        assertEquals(1, results.stream().filter(r -> r.code() == 0).count(), results.toString());
        for (Result r : results) {
            if (r.code() == 0) continue;
            assertEquals(1, r.code(), r.toString());
            assertOneErrorLine(r);
            assertTrue(r.err().contains("pending"), r.toString());
        }
        assertEquals(List.of("tests"), folderNames(BOB));
        assertEquals(1, svc.shares().list(ANN, "tests").size());
    }

    @Test
    void concurrentInvitesOfOneUserLeaveOnePendingInvitation() throws Exception {
        addUser(ANN);
        addUser(BOB);
        createFolder(ANN, "tests");
        List<String[]> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(as(ANN, "share", "invite", "tests", "--to", BOB, "--perm", "edit"));
        List<Result> results = race(runs);
        assertEquals(1, results.stream().filter(r -> r.code() == 0).count(), results.toString());
        for (Result r : results) {
            if (r.code() != 0) {
                assertEquals(1, r.code(), r.toString());
                assertOneErrorLine(r);
            }
        }
        assertEquals(1, svc.invitations().list(BOB).stream().filter(i -> i.state().equals("pending")).count());
    }
}
