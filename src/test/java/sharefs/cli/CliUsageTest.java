package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliUsageTest extends CliTestBase {
    static final String[][] COMMANDS = {
            {}, {"user"}, {"user", "add"}, {"user", "list"},
            {"project"}, {"project", "create"}, {"project", "add-member"}, {"project", "remove-member"}, {"project", "list"},
            {"folder"}, {"folder", "create"}, {"folder", "list"}, {"folder", "rename"}, {"folder", "delete"},
            {"folder", "trash"}, {"folder", "restore"}, {"folder", "purge"},
            {"share"}, {"share", "invite"}, {"share", "list"}, {"share", "set"}, {"share", "revoke"}, {"share", "leave"},
            {"invitation"}, {"invitation", "list"}, {"invitation", "accept"}, {"invitation", "reject"}, {"invitation", "cancel"},
            {"audit"}, {"mount"}, {"umount"}};

    @Test
    void helpEverywhere() {
        for (String[] cmd : COMMANDS) {
            for (String flag : new String[] {"--help", "-h"}) {
                String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
                args[cmd.length] = flag;
                Result r = ok(args);
                String expected = "Usage: sharefs" + (cmd.length == 0 ? "" : " " + String.join(" ", cmd));
                assertTrue(r.out().startsWith(expected), () -> String.join(" ", args) + " -> " + r);
            }
        }
        Result help = ok("help", "share");
        assertTrue(help.out().startsWith("Usage: sharefs share"), help.toString());
    }

    @Test
    void usageErrorsExitTwoWithOneLineAndChangeNothing() {
        addUser("ann@x.io");
        createFolder("ann@x.io", "tests");
        String[][] bad = {
                {"bogus"},
                {"user", "add"},
                {"user", "add", "a@x.io", "b@x.io"},
                {"user", "add", "--bogus", "b@x.io"},
                {"user", "list", "extra"},
                {"folder"},
                {"share"},
                {"--as", "ann@x.io", "folder", "create"},
                {"--as", "ann@x.io", "folder", "rename", "tests"},
                {"--as", "ann@x.io", "folder", "create", "x", "--perm"},
                {"--as", "ann@x.io", "invitation", "accept", "1x"},
                {"--as", "ann@x.io", "invitation", "accept"},
                {"folder", "list"},                       // needs --as
                {"folder", "create", "x"},                // needs --as
                {"invitation", "list"},                   // needs --as
                {"--as", "not-an-email", "folder", "list"},
                {"--as", "ann@x.io", "share", "invite", "tests", "--to", "b@x.io", "--perm", "write"},
                {"--as", "ann@x.io", "folder", "create", ".."},
                {"--as", "ann@x.io", "folder", "create", "x", "--usage", "video"},
        };
        for (String[] args : bad) refusedUnchanged(2, args);
    }

    @Test
    void unknownActorIsARefusal() {
        String line = refusedUnchanged(1, as("ghost@x.io", "folder", "list"));
        assertTrue(line.contains("ghost@x.io"), line);
        refusedUnchanged(1, as("ghost@x.io", "folder", "create", "x"));
    }

    @Test
    void jsonOnEveryListing() {
        addAdmin("root@x.io");
        addUser("ann@x.io");
        addUser("bob@x.io");
        svc.projects().create(null, "p");
        svc.projects().addMember(null, "p", "ann@x.io");
        svc.folders().create("root@x.io", "pf", "p", null, sharefs.sharing.UsageMode.GENERAL);
        createFolder("ann@x.io", "tests");
        createFolder("ann@x.io", "gone");
        svc.folders().delete("ann@x.io", "gone");
        share("ann@x.io", "tests", "bob@x.io", "view");
        String[][] listings = {
                {"user", "list"}, {"project", "list"}, {"audit"}, {"audit", "--folder", "tests"},
                as("ann@x.io", "folder", "list"), as("ann@x.io", "folder", "trash"), as("ann@x.io", "invitation", "list"),
                as("ann@x.io", "share", "list", "tests"), as("root@x.io", "share", "list", "pf")};
        for (String[] l : listings) {
            List<Map<String, Object>> rows = listJson(l);
            assertFalse(rows.isEmpty(), () -> String.join(" ", l));
            // --json is global: also accepted before the command.
            String[] front = new String[l.length + 1];
            front[0] = "--json";
            System.arraycopy(l, 0, front, 1, l.length);
            assertEquals(rows, ok(front).rows(), () -> String.join(" ", l));
        }
        // Text listings are tables with a header line.
        assertTrue(ok("user", "list").out().startsWith("EMAIL"));
        // Mutations print JSON too.
        Map<String, Object> done = ok(as("ann@x.io", "--json", "folder", "rename", "tests", "t2")).object();
        assertEquals(Boolean.TRUE, done.get("ok"));
        // Empty listings are empty arrays.
        assertEquals(List.of(), listJson(as("bob@x.io", "folder", "trash")));
        assertTrue(ok(as("bob@x.io", "folder", "trash")).out().contains("(none)"));
    }

    @Test
    void aMalformedNameWithControlCharactersStillGivesOneLine() {
        addUser("ann@x.io");
        String line = refusedUnchanged(2, as("ann@x.io", "folder", "create", "a\nb\rc"));
        assertTrue(line.contains("invalid folder name"), line);
        line = refusedUnchanged(1, as("ann@x.io", "folder", "delete", "x\ny"));
        assertTrue(line.contains("'x\\x0ay'"), line);
    }
}
