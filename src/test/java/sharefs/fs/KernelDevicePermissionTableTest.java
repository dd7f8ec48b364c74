package sharefs.fs;

/**
 * Every cell of the permission table on the kernel engine with requests read from /dev/fuse, as
 * on a kernel without FUSE over io_uring (KernelPermissionTableTest runs it over the rings).
 */
class KernelDevicePermissionTableTest extends PermissionTableTest {
    @Override
    Mounts.Engine engine() {
        return Mounts.Engine.KERNEL_DEVICE;
    }
}
