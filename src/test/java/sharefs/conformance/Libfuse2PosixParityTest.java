package sharefs.conformance;

/** The same POSIX parity cases as {@link PosixParityTest}, on the libfuse2 engine: each engine is the other's cross-check. */
class Libfuse2PosixParityTest extends PosixParityTest {
    @Override
    String engine() {
        return "libfuse2";
    }
}
