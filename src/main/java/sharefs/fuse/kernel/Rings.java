package sharefs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the ring queues of one connection once INIT is answered: one {@link RingQueue} per
 * possible CPU, as the kernel wants (it switches a connection to the ring only once every queue
 * has an entry registered, and until then requests keep coming through read(2) of the device).
 * FORGET and INTERRUPT always come through the device, so its workers stay.
 */
final class Rings {
    private static final Logger log = LoggerFactory.getLogger(Rings.class);
    private static final long REGISTER_WAIT_MILLIS = 10_000;
    /** Entries per queue thread: each thread serves one request at a time. */
    private static final int DEPTH = 1;

    /** A part of the session that ends with the connection: starting one, and its end. */
    interface Parts {
        /** false when the session has ended already (start nothing). */
        boolean add();

        void ended();
    }

    private Rings() {
    }

    /**
     * Threads per queue, each with its own ring and one entry: a request that blocks (a read from
     * the disk, an fsync) leaves the other to serve the next request made on that CPU, and
     * readahead gets two reads in flight per CPU. The kernel wants a queue for every CPU, so a
     * mount costs CPUs x threads: past 8 CPUs one thread per queue.
     */
    static int threadsPerQueue(int cpus) {
        return cpus <= 8 ? 2 : 1;
    }

    /**
     * Registers the queues (see threadsPerQueue), payloadSize bytes of payload per entry, each
     * thread with processors of its own. Returns the status; on any failure the queues started so
     * far end with the connection, and requests stay on the device (the kernel never switched).
     */
    static UringStatus start(String name, FuseDevice device, int deviceBufferSize, int payloadSize,
                             Supplier<RequestProcessor> processors, Supplier<RequestProcessor> deviceProcessors,
                             Parts parts, Runnable abort, java.util.concurrent.atomic.AtomicLong served) {
        java.util.concurrent.atomic.AtomicBoolean drain = new java.util.concurrent.atomic.AtomicBoolean();
        int cpus = possibleCpus();
        int threadsPerQueue = threadsPerQueue(cpus);
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        for (int i = 0; i < cpus * threadsPerQueue; i++) {
            int q = i / threadsPerQueue;
            if (!parts.add()) return new UringStatus(true, true, 0, "the connection ended");
            CompletableFuture<Void> done = new CompletableFuture<>();
            registered.add(done);
            RingQueue queue = new RingQueue(q, q, DEPTH, device, deviceBufferSize, payloadSize, processors.get(),
                    deviceProcessors.get(), drain, done, abort, parts::ended, served);
            Thread t = new Thread(queue, name + "ring-" + q + "-" + i % threadsPerQueue);
            t.setDaemon(true);
            try {
                t.start();
            } catch (Throwable e) {
                parts.ended();
                done.completeExceptionally(e);
                break;
            }
        }
        try {
            CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).get(REGISTER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return new UringStatus(true, true, cpus, null);
        } catch (Exception e) {
            Throwable why = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            log.warn("FUSE over io_uring not in use on {}: {}; requests go through the device", name, why.toString());
            return new UringStatus(true, true, 0, why.getMessage() == null ? why.toString() : why.getMessage());
        }
    }

    /** num_possible_cpus(), the number of queues the kernel expects: from /sys, else the JVM's count. */
    static int possibleCpus() {
        try {
            return countCpus(Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim());
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The number of CPUs in a list such as "0-3,5,7-8". */
    static int countCpus(String list) {
        int n = 0;
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int dash = p.indexOf('-');
            n += dash < 0 ? 1 : Integer.parseInt(p.substring(dash + 1)) - Integer.parseInt(p.substring(0, dash)) + 1;
        }
        if (n < 1) throw new IllegalArgumentException("no CPU in " + list);
        return n;
    }
}
