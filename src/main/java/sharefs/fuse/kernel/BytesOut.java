package sharefs.fuse.kernel;

/**
 * A byte string a handler answers with: a symlink's target (READLINK), an xattr's value
 * (GETXATTR), or the NUL-terminated names of a node's xattrs (LISTXATTR). The engine does the
 * size probe and ERANGE of the xattr calls.
 */
public final class BytesOut {
    private byte[] value;

    public void set(byte[] value) {
        this.value = value;
    }

    byte[] get() {
        return value;
    }

    void clear() {
        value = null;
    }
}
