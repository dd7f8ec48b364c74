package sharefs.fs;

import jnr.ffi.Pointer;

/**
 * The parts of libfuse 2's API needed to run the request loop on threads the JVM owns (fuse_new,
 * which dlsym would bind at a 2.0-era version, is {@link FuseNew}).
 */
public interface LibFuseLoop {
    /** fuse_mount(mountpoint, struct fuse_args *): the channel, or null. */
    Pointer fuse_mount(String mountpoint, Pointer args);

    void fuse_unmount(String mountpoint, Pointer chan);

    Pointer fuse_get_session(Pointer fuse);

    long fuse_chan_bufsize(Pointer chan);

    int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer chanInOut);

    void fuse_session_process_buf(Pointer session, Pointer buf, Pointer chan);

    int fuse_session_exited(Pointer session);

    void fuse_session_exit(Pointer session);

    void fuse_destroy(Pointer fuse);
}
