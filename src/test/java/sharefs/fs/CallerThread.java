package sharefs.fs;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * One thread that makes a test's calls through its mounts, as root or as the session's uid, each
 * call under a deadline. A thread rather than a helper process: the calls stay the very Px calls
 * the root run makes (descriptors included, so a descriptor opened before a downgrade is used
 * after it by the same caller), each costs a hand-off instead of a process, and a failed call is
 * an errno on this side, not a line to parse. A call the daemon never answers would block its
 * thread for good: past the deadline the FUSE connections are aborted (the blocked call then
 * fails with ENOTCONN) and the test fails.
 */
final class CallerThread implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final String name;
    private final Runnable abortMounts;
    private final BlockingQueue<FutureTask<?>> calls = new LinkedBlockingQueue<>();
    private final Thread thread;

    private CallerThread(String name, Runnable setUp, Runnable abortMounts) {
        this.name = name;
        this.abortMounts = abortMounts;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        thread = new Thread(() -> serve(setUp, ready), name);
        thread.setDaemon(true);
        thread.start();
        try {
            ready.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(name + " could not be set up: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(name + " was not set up within " + DEADLINE.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Calls made as root, this process's own credentials. */
    static CallerThread root(Runnable abortMounts) {
        return new CallerThread("calls as root", () -> { }, abortMounts);
    }

    /** Calls made by a thread that is, to the kernel, a process of uid/gid with no capabilities. */
    static CallerThread session(long uid, long gid, Runnable abortMounts) {
        CallerThread t = new CallerThread("calls as uid " + uid, () -> ThreadCreds.dropTo(uid, gid), abortMounts);
        String self = ThreadCreds.status().get("Uid");
        if (!"0 0 0 0".equals(self)) {
            t.close();
            throw new AssertionError("dropping the caller thread changed the test's own uids to " + self);
        }
        return t;
    }

    /** The setup, then every call in turn; a failed setup ends the thread before it takes a call. */
    private void serve(Runnable setUp, CompletableFuture<Void> ready) {
        try {
            setUp.run();
        } catch (Throwable t) {
            ready.completeExceptionally(t);
            return;
        }
        ready.complete(null);
        while (true) {
            FutureTask<?> call;
            try {
                call = calls.take();
            } catch (InterruptedException e) {
                return;
            }
            call.run();
        }
    }

    /** A syscall made on this thread: its result (negated errno on failure), read on this thread. */
    int call(IntSupplier op) {
        return get(op::getAsInt);
    }

    /** Anything made on this thread; what it throws is thrown here. */
    <T> T get(Callable<T> op) {
        FutureTask<T> call = new FutureTask<>(op);
        calls.add(call);
        try {
            return call.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abortMounts.run();
            return fail(name + ": a call got no answer within " + DEADLINE.toSeconds() + " s; the FUSE connections were aborted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) throw err;
            if (cause instanceof RuntimeException re) throw re;
            throw new AssertionError(name + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Ends the thread once its current call (if any) returns. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) System.err.println(name + " still blocked in a call after " + DEADLINE.toSeconds() + " s");
    }
}
