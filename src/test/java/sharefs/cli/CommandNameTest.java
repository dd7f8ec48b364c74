package sharefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which command a call names, so only that one's model is built; global options and their values are skipped. */
class CommandNameTest {
    @Test
    void findsTheFirstWordThatIsNotAGlobalOption() {
        assertEquals("mount", Main.commandName(new String[] {"mount", "--user", "a@x.io", "/m"}));
        assertEquals("share", Main.commandName(new String[] {"--home", "/h", "--json", "--as", "a@x.io", "share", "list"}));
        assertEquals("user", Main.commandName(new String[] {"--db", "jdbc:h2:mem:x", "user", "list"}));
        assertEquals("folder", Main.commandName(new String[] {"--home=/h", "folder", "list"}));
        // A value that looks like a command is still a value.
        assertEquals("audit", Main.commandName(new String[] {"--as", "mount", "audit"}));
    }

    @Test
    void noneWhenOnlyOptionsOrAfterDoubleDash() {
        assertNull(Main.commandName(new String[] {}));
        assertNull(Main.commandName(new String[] {"--help"}));
        assertNull(Main.commandName(new String[] {"--home", "/h"}));
        assertNull(Main.commandName(new String[] {"--", "mount"}));
    }

    @Test
    void unknownAndHelpGetTheWholeTree() {
        assertEquals(10, Main.commandLine(new Main(null, null), new String[] {"frobnicate"}).getSubcommands().size());
        assertEquals(10, Main.commandLine(new Main(null, null), new String[] {"help", "share"}).getSubcommands().size());
        assertEquals(1, Main.commandLine(new Main(null, null), new String[] {"share", "list"}).getSubcommands().size());
    }
}
