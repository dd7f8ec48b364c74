package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jnr.ffi.BaseStruct;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FuseOperations;
import sharefs.backing.Errno;

/**
 * Every callback that takes a path or a name answers EILSEQ for bytes that are not UTF-8, called
 * as libfuse calls it: through the function pointer in the operations table. On a mount the
 * kernel's lookup (getattr) refuses such a name before most calls get it; this checks each call's
 * own refusal. Only refusals are called: they answer before the filesystem is reached, so the
 * filesystem here needs no view and no FUSE context.
 */
class NameCallbacksTest {
    private final jnr.ffi.Runtime rt = jnr.ffi.Runtime.getSystemRuntime();
    private final SharefsFs fs = new SharefsFs(null, null, 0, 0, null);
    private final FuseOperations ops = fs.operations();
    private final Pointer bad = cstring(new byte[] {'/', 't', '/', 'b', 'a', 'd', (byte) 0xff});
    private final Pointer good = cstring("/t/good".getBytes(StandardCharsets.UTF_8));
    private final Pointer badName = cstring(new byte[] {'u', 's', 'e', 'r', '.', (byte) 0xc0, (byte) 0xaf});
    private final Pointer goodName = cstring("user.x".getBytes(StandardCharsets.UTF_8));
    private final Pointer scratch = Memory.allocateDirect(rt, 4096, true);

    private Pointer cstring(byte[] b) {
        Pointer p = Memory.allocateDirect(rt, b.length + 1, true);
        p.put(0, b, 0, b.length);
        return p;
    }

    /** Calls the function in slot with these arguments (each passed as a 64-bit register), as libfuse would. */
    private int call(BaseStruct.Func<?> slot, long... args) {
        long fn = Struct.getMemory(ops).getAddress(slot.offset());
        assertNotEquals(0, fn, "the slot is empty");
        Type[] types = new Type[args.length];
        Arrays.fill(types, Type.SINT64);
        CallContext ctx = CallContext.getCallContext(Type.SINT32, types, CallingConvention.DEFAULT, false);
        Invoker inv = Invoker.getInstance();
        long rc = switch (args.length) {
            case 1 -> inv.invokeN1(ctx, fn, args[0]);
            case 2 -> inv.invokeN2(ctx, fn, args[0], args[1]);
            case 3 -> inv.invokeN3(ctx, fn, args[0], args[1], args[2]);
            case 4 -> inv.invokeN4(ctx, fn, args[0], args[1], args[2], args[3]);
            case 5 -> inv.invokeN5(ctx, fn, args[0], args[1], args[2], args[3], args[4]);
            default -> throw new IllegalArgumentException("arity " + args.length);
        };
        return (int) rc;
    }

    private void refused(String what, BaseStruct.Func<?> slot, long... args) {
        assertEquals(-Errno.EILSEQ, call(slot, args), what);
    }

    @Test
    void everyCallThatTakesANameRefusesBytesThatAreNotUtf8() {
        long b = bad.address(), g = good.address(), s = scratch.address();
        refused("getattr", ops.getattr, b, s);
        refused("fgetattr", ops.fgetattr, b, s, s);
        refused("readlink", ops.readlink, b, s, 100);
        refused("mknod", ops.mknod, b, 010644, 0);
        refused("mkdir", ops.mkdir, b, 0755);
        refused("unlink", ops.unlink, b);
        refused("rmdir", ops.rmdir, b);
        refused("symlink: the link's name", ops.symlink, g, b);
        refused("rename: from", ops.rename, b, g);
        refused("rename: to", ops.rename, g, b);
        refused("link: from", ops.link, b, g);
        refused("link: to", ops.link, g, b);
        refused("chmod", ops.chmod, b, 0644);
        refused("chown", ops.chown, b, 1000, 1000);
        refused("truncate", ops.truncate, b, 0);
        refused("ftruncate", ops.ftruncate, b, 0, s);
        refused("open", ops.open, b, s);
        refused("create", ops.create, b, 0644, s);
        refused("opendir", ops.opendir, b, s);
        refused("access", ops.access, b, 4);
        refused("utimens", ops.utimens, b, s);
        refused("setxattr: path", ops.setxattr, b, goodName.address(), s, 1, 0);
        refused("setxattr: name", ops.setxattr, g, badName.address(), s, 1, 0);
        refused("getxattr: path", ops.getxattr, b, goodName.address(), s, 100);
        refused("getxattr: name", ops.getxattr, g, badName.address(), s, 100);
        refused("listxattr", ops.listxattr, b, s, 100);
        refused("removexattr: path", ops.removexattr, b, goodName.address());
        refused("removexattr: name", ops.removexattr, g, badName.address());
    }
}
