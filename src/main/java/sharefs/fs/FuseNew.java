package sharefs.fs;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Type;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse 2's fuse_new at its current version (FUSE_2.6). libfuse 2.9 also exports an
 * unversioned (Base) fuse_new, the 2.0-era fuse_new(int fd, int flags, ops), and dlsym(3), which
 * jnr-ffi binds by, returns a Base definition before any versioned one: called through it,
 * fuse_new parses garbage and says "fuse: unknown option `'". So the address comes from
 * dlvsym(3) with the version, and the call is made through jffi directly.
 */
final class FuseNew {
    /** The calls; public because jnr-ffi implements it in a class loader of its own. */
    public interface Dl {
        long dlopen(String file, int mode);

        long dlvsym(long handle, String symbol, String version);
    }

    private static final int RTLD_NOW = 2, RTLD_NOLOAD = 4;

    private FuseNew() {
    }

    /** The function's address and call signature, found once per JVM; immutable after class initialisation. */
    private static final class Binding {
        static final CallContext CONTEXT = CallContext.getCallContext(Type.POINTER,
                new Type[] {Type.POINTER, Type.POINTER, Type.POINTER, Type.UINT64, Type.POINTER},
                CallingConvention.DEFAULT, false);
        static final long FUSE_NEW = bind();

        private static long bind() {
            Dl dl = LibraryLoader.create(Dl.class).load("c");
            long handle = dl.dlopen("libfuse.so.2", RTLD_NOW | RTLD_NOLOAD);
            if (handle == 0) handle = dl.dlopen("libfuse.so.2", RTLD_NOW);
            if (handle == 0) throw new IllegalStateException("cannot open libfuse.so.2");
            long address = dl.dlvsym(handle, "fuse_new", "FUSE_2.6");
            if (address == 0) throw new IllegalStateException("libfuse.so.2 has no fuse_new@FUSE_2.6");
            return address;
        }
    }

    /**
     * fuse_new(chan, args, ops, sizeof ops, NULL): the struct fuse, or null. jnr-fuse keeps the
     * operations table in Java memory, which jnr-ffi copies out for a call it makes itself; here
     * the copy is made by hand, and fuse_new copies the table in turn before it returns.
     */
    static Pointer call(jnr.ffi.Runtime runtime, Pointer chan, FuseArgs args, FuseOperations ops) {
        Pointer table = Struct.getMemory(ops);
        int size = Struct.size(ops);
        Pointer direct = table;
        if (!table.isDirect()) {
            byte[] bytes = new byte[size];
            table.get(0, bytes, 0, size);
            direct = Memory.allocateDirect(runtime, size, false);
            direct.put(0, bytes, 0, size);
        }
        long fuse = Invoker.getInstance().invokeN5(Binding.CONTEXT, Binding.FUSE_NEW, chan.address(),
                args.pointer().address(), direct.address(), size, 0L);
        java.lang.ref.Reference.reachabilityFence(direct);
        return fuse == 0 ? null : Pointer.wrap(runtime, fuse);
    }
}
