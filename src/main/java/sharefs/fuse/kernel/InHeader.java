package sharefs.fuse.kernel;

/** struct fuse_in_header: one request's length, opcode, id, node and caller. */
record InHeader(int len, int opcode, long unique, long nodeId, int uid, int gid, int pid, int extLen) {
    static final int SIZE = 40;
}
