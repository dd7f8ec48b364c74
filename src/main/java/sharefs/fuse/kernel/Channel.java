package sharefs.fuse.kernel;

/**
 * Where replies and notifications go: the FUSE device, or a recorder in tests. One call is one
 * message; the kernel takes a message only whole, in one write.
 */
interface Channel {
    /** Writes len bytes of buf from offset 0 as one message; 0 or -errno. */
    int send(NativeBuffer buf, int len);
}
