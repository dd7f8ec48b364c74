package sharefs.fuse.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The backing files of a connection with FUSE_PASSTHROUGH: {@link #open} registers an open
 * file with the kernel (FUSE_DEV_IOC_BACKING_OPEN) and returns the id an OPEN or CREATE reply
 * names with FOPEN_PASSTHROUGH; {@link #close} (FUSE_DEV_IOC_BACKING_CLOSE) drops the
 * registration. The kernel keeps its own reference for every file opened passthrough and for
 * the inode while any is, so closing an id never cuts an open file off; but every passthrough
 * open of one inode must name the same backing file, so an id is kept while its inode has
 * passthrough opens. Needs CAP_SYS_ADMIN; ids die with the connection.
 */
public final class BackingFiles {
    /** _IOW(229, 1, struct fuse_backing_map) and _IOW(229, 2, uint32_t). */
    static final long BACKING_OPEN = 0x4010e501L, BACKING_CLOSE = 0x4004e502L;
    private static final int MAP_SIZE = 16;

    private final FuseDevice device;

    BackingFiles(FuseDevice device) {
        this.device = device;
    }

    /** Registers the file open on fd (the caller keeps fd); the backing id (above 0) or -errno. */
    public int open(int fd) {
        // struct fuse_backing_map { int32 fd; uint32 flags; uint64 padding; }: flags and padding must be 0.
        Pointer map = Memory.allocateDirect(KernelLibC.runtime(), MAP_SIZE, true);
        map.putInt(0, fd);
        int rc = device.ioctl(BACKING_OPEN, map);
        return rc == 0 ? -Errors.EIO : rc;
    }

    /** Drops id's registration: 0 or -errno. */
    public int close(int id) {
        Pointer p = Memory.allocateDirect(KernelLibC.runtime(), 4, true);
        p.putInt(0, id);
        return device.ioctl(BACKING_CLOSE, p);
    }
}
