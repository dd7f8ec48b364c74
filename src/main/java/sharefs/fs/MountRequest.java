package sharefs.fs;

import java.nio.file.Path;
import java.util.List;

/** What `sharefs mount` was asked for. */
public record MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                           List<String> readOnly, long pollMillis, double cacheSeconds) {
}
