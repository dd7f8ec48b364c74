package sharefs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Sharing;
import sharefs.sharing.UsageMode;
import sharefs.store.Change;
import sharefs.store.Database;
import sharefs.store.Home;

/**
 * The watcher's three ways to a change: an announcement that follows the last one seen reloads
 * its users with no query; a gap reads the change log; announcements lost (the listener cut off)
 * reload every view. Driven step by step, without its thread.
 */
class ChangeWatcherTest {
    @TempDir
    Path dir;
    Sharing sharing;
    final List<String> reloads = new ArrayList<>();
    ChangeWatcher watcher;

    @BeforeEach
    void open() throws IOException {
        Home home = new Home(dir, null);
        home.prepare();
        sharing = new Sharing(Database.open(home), home);
        watcher = new ChangeWatcher(sharing, new ChangeWatcher.Target() {
            @Override
            public boolean reloadUsers(Set<Long> users) {
                reloads.add("users " + new java.util.TreeSet<>(users));
                return true;
            }

            @Override
            public boolean reloadAll() {
                reloads.add("all");
                return true;
            }
        }, 600_000);
    }

    @AfterEach
    void close() {
        watcher.close();
        sharing.db().close();
    }

    /** Brings the watcher up to the counter with one poll (one read of the log) and forgets those reloads. */
    private long current() {
        watcher.step(true);
        reloads.clear();
        assertEquals(sharing.db().changeCounter(), watcher.seen());
        return watcher.seen();
    }

    @Test
    void anAnnouncementThatFollowsTheLastOneReloadsItsUsersWithoutReadingTheLog() {
        long ann = sharing.users().add(null, "ann@x.io", null, false).id();
        sharing.users().add(null, "bob@x.io", null, false);
        long seen = current();
        List<Change> heard = new ArrayList<>();
        sharing.db().onCommit(heard::add);
        sharing.folders().create("ann@x.io", "docs", null, null, UsageMode.GENERAL);
        assertEquals(1, heard.size());
        assertEquals(new Change(seen + 1, Set.of(ann)), heard.get(0), "the write announces the user whose view it touched");

        heard.forEach(watcher::changed);
        watcher.step(false);
        assertEquals(List.of("users [" + ann + "]"), reloads);
        assertEquals(seen + 1, watcher.seen());
        assertEquals(1, watcher.fastReloads());
        assertEquals(1, watcher.logReads(), "no query beyond the poll that made it current");

        // Heard again (the database's NOTIFY after this process's own commit): nothing to do.
        heard.forEach(watcher::changed);
        watcher.step(false);
        assertEquals(1, reloads.size());
    }

    @Test
    void aGapReadsTheChangeLogOnceAndReloadsWhatItNames() {
        long ann = sharing.users().add(null, "ann@x.io", null, false).id();
        long bob = sharing.users().add(null, "bob@x.io", null, false).id();
        long seen = current();
        List<Change> heard = new ArrayList<>();
        sharing.db().onCommit(heard::add);
        sharing.folders().create("ann@x.io", "docs", null, null, UsageMode.GENERAL);
        sharing.folders().create("bob@x.io", "notes", null, null, UsageMode.GENERAL);
        // Only the second announcement arrives (the first was lost).
        watcher.changed(heard.get(1));
        watcher.step(false);
        assertEquals(2, watcher.logReads(), "one read of the log for the gap");
        assertEquals(List.of("users [" + ann + ", " + bob + "]"), reloads, "the log names both changes' users");
        assertEquals(seen + 2, watcher.seen());
    }

    @Test
    void afterTheListenerWasCutOffEveryViewIsReadAgain() {
        watcher.resumed(); // the first connection: catch up, nothing more
        watcher.step(false);
        assertEquals(List.of(), reloads);
        watcher.lost("connection reset");
        assertEquals("connection reset", watcher.listenerDown());
        watcher.resumed();
        watcher.step(false);
        assertEquals(List.of("all"), reloads, "what was missed is unknown: every view");
        assertTrue(watcher.listenerDown() == null);
    }
}
