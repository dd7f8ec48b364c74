package sharefs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that does one thing: reaches the invocation's Context and returns an exit code. */
abstract class Leaf implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        Main main = (Main) spec.root().userObject();
        return run(main.context());
    }

    abstract int run(Context ctx);
}
