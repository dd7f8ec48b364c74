package sharefs.fs;

/**
 * How many files and directories one mount may hold open in its backing folders at once. Each
 * costs the daemon a descriptor (and a directory a listing buffer), and every mount of a node
 * shares the daemon's descriptor limit: a cap per mount keeps one session from exhausting it
 * for the others. Beyond a cap, open, create and opendir answer ENFILE.
 */
public record FsLimits(int maxOpenFiles, int maxOpenDirs) {
    public static final FsLimits DEFAULT = new FsLimits(4096, 1024);

    public FsLimits {
        if (maxOpenFiles < 1 || maxOpenDirs < 1) {
            throw new IllegalArgumentException("limits must be at least 1: files " + maxOpenFiles + ", dirs " + maxOpenDirs);
        }
    }
}
