package sharefs.fs;

/**
 * Every cell of the permission table again, on the kernel engine ({@link KernelViewFs}): the
 * same cases and assertions as {@link PermissionTableTest}, on mounts of the other engine.
 */
class KernelPermissionTableTest extends PermissionTableTest {
    @Override
    Mounts.Engine engine() {
        return Mounts.Engine.KERNEL;
    }
}
