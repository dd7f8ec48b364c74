package sharefs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import sharefs.sharing.Sharing;
import sharefs.store.Database;
import sharefs.store.Home;

/** What one CLI invocation works with; the database is opened only when a command needs it. */
final class Context implements AutoCloseable {
    private final Home home;
    private final String jdbcUrl;
    private final String actor;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;
    private Database db;
    private Sharing sharing;

    Context(Path homeDir, String jdbcUrl, String actor, boolean json, PrintWriter out, PrintWriter err) {
        this.home = new Home(homeDir, jdbcUrl);
        this.jdbcUrl = jdbcUrl;
        this.actor = actor;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    Home home() { return home; }
    String jdbcUrlOrNull() { return jdbcUrl; }
    boolean json() { return json; }
    PrintWriter out() { return out; }

    /** The --as user, or null for the operator. */
    String actorOrNull() { return actor; }

    String actor() {
        if (actor == null) throw new MissingActorException();
        return actor;
    }

    Sharing sharing() {
        if (sharing == null) {
            try {
                home.ensureLayout();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create " + home.dir() + ": " + e.getMessage(), e);
            }
            db = Database.open(home.jdbcUrl());
            sharing = new Sharing(db, home);
        }
        return sharing;
    }

    void err(String line) {
        err.println(line);
        err.flush();
    }

    void print(Object jsonValue, String text) {
        out.println(json ? Json.write(jsonValue) : text);
        out.flush();
    }

    @Override
    public void close() {
        if (db != null) db.close();
    }

    /** A command that acts for a user was run without --as. */
    static final class MissingActorException extends RuntimeException {
        MissingActorException() {
            super("this command acts for a user: give --as EMAIL");
        }
    }
}
