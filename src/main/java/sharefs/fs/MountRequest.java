package sharefs.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What `sharefs mount` was asked for. engine null: none named, so the node agent's `--engine` if
 * it was given one, else the kernel engine where this kernel speaks FUSE 7.31 or newer and
 * libfuse2 where it does not (see ViewMount#mount).
 */
public record MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                           List<String> readOnly, double cacheSeconds, FsLimits limits, Engine engine) {
    public MountRequest {
        if (limits == null) limits = FsLimits.DEFAULT;
    }

    /** Naming no engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds, FsLimits limits) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, null);
    }

    /** With the default limits, naming no engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, FsLimits.DEFAULT, null);
    }

    /** This request on engine e when it names none. */
    public MountRequest orEngine(Engine e) {
        return engine != null ? this : new MountRequest(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, e);
    }
}
