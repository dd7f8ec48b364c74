package sharefs.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What `sharefs mount` was asked for. engine null: none named, so the node agent's `--engine` if
 * it was given one, else the kernel engine where this kernel speaks FUSE 7.31 or newer and
 * libfuse2 where it does not (see ViewMount#mount). passthrough null: the agent's default on the
 * kernel engine (`sharefs node --passthrough`, owned unless told), off on libfuse2, which has no
 * passthrough.
 */
public record MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                           List<String> readOnly, double cacheSeconds, FsLimits limits, Engine engine,
                           Passthrough passthrough) {
    public MountRequest {
        if (limits == null) limits = FsLimits.DEFAULT;
    }

    /** With the agent's default passthrough. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds, FsLimits limits, Engine engine) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, engine, null);
    }

    /** Naming no engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds, FsLimits limits) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, null, null);
    }

    /** With the default limits, naming no engine. */
    public MountRequest(String email, Path mountPoint, long uid, long gid, List<String> folders,
                        List<String> readOnly, double cacheSeconds) {
        this(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, FsLimits.DEFAULT, null, null);
    }

    /** This request on engine e when it names none. */
    public MountRequest orEngine(Engine e) {
        return engine != null ? this : new MountRequest(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, e,
                passthrough);
    }

    /**
     * This request with its passthrough settled: p (the agent's default) on the kernel engine when
     * it names none, off on libfuse2. Call after {@link #orEngine}.
     */
    public MountRequest orPassthrough(Passthrough p) {
        if (passthrough != null) return this;
        Passthrough settled = engine == Engine.LIBFUSE2 ? Passthrough.OFF : p;
        return new MountRequest(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, engine, settled);
    }

    /** This request served on libfuse2 after all (the kernel engine cannot run here): without passthrough. */
    public MountRequest onLibfuse2() {
        return new MountRequest(email, mountPoint, uid, gid, folders, readOnly, cacheSeconds, limits, Engine.LIBFUSE2,
                Passthrough.OFF);
    }

    /** The passthrough mode it is served with (off when nobody chose). */
    public Passthrough passthroughOrOff() {
        return passthrough != null ? passthrough : Passthrough.OFF;
    }

    /** The refusal of a passthrough the engine named cannot give (libfuse2 has none), or null. */
    public String unservable() {
        if (engine == Engine.LIBFUSE2 && passthrough != null && passthrough != Passthrough.OFF) {
            return "--passthrough " + passthrough.word() + " needs the kernel engine; with --engine libfuse2 only off";
        }
        return null;
    }
}
