package sharefs.fs;

import ru.serce.jnrfuse.struct.FuseContext;

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

    /** The kind of caller behind a FUSE context; root is told apart even when it is the session's uid. */
    Who of(FuseContext ctx) {
        return of(ctx.uid.get());
    }

    /** The kind of caller of a request made by uid. */
    Who of(long caller) {
        if (caller == 0) return Who.ROOT;
        return caller == uid ? Who.SESSION : Who.STRANGER;
    }
}
