package sharefs.fs;

import java.nio.file.Path;
import java.util.List;

/** What `sharefs mount` was asked for. */
public record MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                           List<String> readOnly, double cacheSeconds, FsLimits limits) {
    public MountRequest {
        if (limits == null) limits = FsLimits.DEFAULT;
    }

    /** With the default limits. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, FsLimits.DEFAULT);
    }
}
