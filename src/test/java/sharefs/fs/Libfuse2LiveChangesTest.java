package sharefs.fs;

/** The same live changes as {@link LiveChangesTest}, on the libfuse2 engine. */
class Libfuse2LiveChangesTest extends LiveChangesTest {
    @Override
    Engine engine() {
        return Engine.LIBFUSE2;
    }
}
