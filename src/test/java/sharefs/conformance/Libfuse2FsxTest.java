package sharefs.conformance;

/** The same fsx exerciser as {@link FsxTest}, on the libfuse2 engine: each engine is the other's cross-check. */
class Libfuse2FsxTest extends FsxTest {
    @Override
    String engine() {
        return "libfuse2";
    }
}
