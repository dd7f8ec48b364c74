package sharefs.conformance;

/**
 * The POSIX parity cases of {@link PosixParityTest} on the kernel engine with requests read from
 * /dev/fuse (`sharefs node --io-uring off`), as on a kernel without FUSE over io_uring.
 */
class KernelDevicePosixParityTest extends PosixParityTest {
    @Override
    java.util.List<String> nodeOptions() {
        return java.util.List.of("--io-uring", "off");
    }
}
