package sharefs.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A libfuse struct fuse_args {int argc; char **argv; int allocated;} over native copies of
 * "sharefs" and the options, held by this object for as long as libfuse may read them.
 * allocated is 0: libfuse copies the vector before it changes it and never frees ours.
 */
final class FuseArgs {
    private static final int ARGC = 0, ARGV = 8, ALLOCATED = 16, SIZE = 24;

    private final Pointer struct;
    private final List<Pointer> keep = new ArrayList<>();

    FuseArgs(Runtime runtime, String[] options) {
        List<String> all = new ArrayList<>();
        all.add("sharefs");
        all.addAll(List.of(options));
        int word = runtime.addressSize();
        Pointer argv = Memory.allocateDirect(runtime, (long) (all.size() + 1) * word, true);
        keep.add(argv);
        for (int i = 0; i < all.size(); i++) {
            byte[] b = all.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = Memory.allocateDirect(runtime, b.length + 1, true);
            s.put(0, b, 0, b.length);
            keep.add(s);
            argv.putPointer((long) i * word, s);
        }
        struct = Memory.allocateDirect(runtime, SIZE, true);
        struct.putInt(ARGC, all.size());
        struct.putPointer(ARGV, argv);
        struct.putInt(ALLOCATED, 0);
    }

    Pointer pointer() {
        return struct;
    }
}
