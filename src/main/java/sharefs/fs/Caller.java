package sharefs.fs;

import ru.serce.jnrfuse.struct.FuseContext;
import sharefs.backing.Errno;

/** Who may enter the mount: the session's uid and root; everyone else gets EACCES. */
final class Caller {
    private final long uid;
    private final long gid;

    Caller(long uid, long gid) {
        this.uid = uid;
        this.gid = gid;
    }

    long uid() {
        return uid;
    }

    long gid() {
        return gid;
    }

    /** 0 if the calling process may use the mount, -EACCES otherwise. */
    int check(FuseContext ctx) {
        long caller = ctx.uid.get();
        return caller == uid || caller == 0 ? 0 : -Errno.EACCES;
    }

    boolean isRoot(FuseContext ctx) {
        return ctx.uid.get() == 0;
    }
}
