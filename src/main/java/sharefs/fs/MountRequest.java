package sharefs.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What `sharefs mount` was asked for. engine null: the node agent's default (see
 * MountService#withEngine).
 */
public record MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                           List<String> readOnly, double cacheSeconds, FsLimits limits, Engine engine) {
    public MountRequest {
        if (limits == null) limits = FsLimits.DEFAULT;
    }

    /** With the agent's default engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds, FsLimits limits) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, null);
    }

    /** With the default limits and the agent's default engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, FsLimits.DEFAULT, null);
    }

    /** This request on engine e when it names none. */
    public MountRequest orEngine(Engine e) {
        return engine != null ? this : new MountRequest(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, e);
    }

    /** The engine this request is served on (libfuse2 when nobody chose). */
    public Engine engineOrDefault() {
        return engine != null ? engine : Engine.LIBFUSE2;
    }
}
