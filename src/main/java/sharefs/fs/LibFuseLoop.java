package sharefs.fs;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FuseOperations;

/** The parts of libfuse 2's API needed to run the request loop on threads the JVM owns. */
public interface LibFuseLoop {
    Pointer fuse_setup(int argc, String[] argv, FuseOperations op, long opSize, Pointer mountpointOut,
                       Pointer multithreadedOut, Pointer userData);

    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer session, Pointer chan);

    long fuse_chan_bufsize(Pointer chan);

    int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer chanInOut);

    void fuse_session_process_buf(Pointer session, Pointer buf, Pointer chan);

    int fuse_session_exited(Pointer session);

    void fuse_session_exit(Pointer session);

    void fuse_unmount(Pointer mountpoint, Pointer chan);

    void fuse_destroy(Pointer fuse);
}
