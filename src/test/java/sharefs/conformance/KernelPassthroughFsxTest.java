package sharefs.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fsx exerciser (writes, truncates, mmap writes, fsyncs against a model) in a folder the user
 * owns on the kernel engine with passthrough: the agent keeps no storage reserve, so reads,
 * writes and mmaps of every open there are the kernel's own on the backing file.
 */
class KernelPassthroughFsxTest extends FsxTest {
    @Override
    List<String> nodeOptions() {
        return List.of("--engine", "kernel", "--passthrough", "owned", "--storage-reserve", "0");
    }

    @Test
    void theFolderIsServedPassthrough_writesIncluded() {
        String json = m.status();
        assertTrue(json.contains("\"engine\":\"kernel\",\"passthrough\":\"owned\",\"passthroughKernel\":\"accepted\","
                + "\"passthroughWrites\":true"), json);
    }
}
