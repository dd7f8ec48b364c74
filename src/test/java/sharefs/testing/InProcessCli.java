package sharefs.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import sharefs.cli.Main;

/** One CLI call in this JVM, exactly as `sharefs ARGS...` would make it, with what it printed. */
public final class InProcessCli {
    public record Result(int code, String out, String err) {
    }

    private InProcessCli() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.run(args, o, e);
        }
        return new Result(code, out.toString(), err.toString());
    }
}
