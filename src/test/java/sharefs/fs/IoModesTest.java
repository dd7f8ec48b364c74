package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sharefs.fuse.kernel.OpenOut;

/** How opens of a node are answered, as the kernel's one io mode per inode requires (IoModes). */
class IoModesTest {
    static final int PT = OpenOut.FOPEN_PASSTHROUGH, DIO = OpenOut.FOPEN_DIRECT_IO;

    final List<String> calls = new ArrayList<>();
    final IoModes modes = new IoModes("test");
    int nextId = 7;

    void attach() {
        modes.attach(fd -> {
            calls.add("open " + fd);
            return nextId++;
        }, id -> {
            calls.add("close " + id);
            return 0;
        });
    }

    @Test
    void beforeTheKernelAcceptedPassthrough_everyOpenIsCached() {
        assertEquals(IoModes.Choice.CACHED, modes.open(2, true, 10));
        assertEquals(List.of(), calls);
    }

    @Test
    void opensOfANodeOpenPassthrough_shareItsBackingId_andTheOnesNotAllowedReadAndWriteThroughTheDaemon() {
        attach();
        assertEquals(new IoModes.Choice(PT, 7, true), modes.open(2, true, 10));
        assertEquals(new IoModes.Choice(PT, 7, true), modes.open(2, true, 11));
        assertEquals(new IoModes.Choice(PT | DIO, 7, true), modes.open(2, false, 12));
        assertEquals(new IoModes.Choice(PT, 8, true), modes.open(3, true, 13), "another node, another backing file");
        assertEquals(List.of("open 10", "open 13"), calls);
        modes.released(2, true);
        modes.released(2, true);
        assertEquals(List.of("open 10", "open 13"), calls, "kept while one open of the node holds it");
        assertEquals(2, modes.backed());
        modes.released(2, true);
        assertEquals(List.of("open 10", "open 13", "close 7"), calls);
        assertEquals(3, modes.passthroughOpens(), "the DIRECT_IO one not counted");
        assertEquals(IoModes.Choice.CACHED, modes.open(2, false, 14), "the node is back to no mode at all");
    }

    @Test
    void aNodeWithCachedOpens_keepsNewOnesCached_neverRefused() {
        attach();
        assertEquals(IoModes.Choice.CACHED, modes.open(2, false, 10));
        assertEquals(IoModes.Choice.CACHED, modes.open(2, true, 11));
        modes.released(2, false);
        modes.released(2, false);
        assertEquals(new IoModes.Choice(PT, 7, true), modes.open(2, true, 12), "once the cached ones are gone");
        assertEquals(List.of("open 12"), calls);
    }

    @Test
    void aBackingFileTheKernelRefuses_leavesTheOpenCached() {
        modes.attach(fd -> -40, id -> 0);
        assertEquals(IoModes.Choice.CACHED, modes.open(2, true, 10));
        assertEquals(IoModes.Choice.CACHED, modes.open(2, true, 11));
        assertEquals(0, modes.passthroughOpens());
    }
}
