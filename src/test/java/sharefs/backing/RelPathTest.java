package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RelPathTest {
    @Test
    void splitsParentAndName() {
        RelPath p = RelPath.parse("a/b/c");
        assertEquals("a/b", p.parent);
        assertArrayEquals(LibC.cstr("c"), p.name);
        RelPath q = RelPath.parse("top");
        assertEquals("", q.parent);
        assertArrayEquals(LibC.cstr("top"), q.name);
    }

    @Test
    void rootIsDot() {
        RelPath p = RelPath.parse("");
        assertEquals("", p.parent);
        assertArrayEquals(LibC.cstr("."), p.name);
    }

    @Test
    void dotPrefixedNamesAreFine() {
        assertEquals(".../.x", RelPath.parse(".../.x/...").parent);
        assertArrayEquals(LibC.cstr("..."), RelPath.parse(".x/...").name);
        assertArrayEquals(LibC.cstr("é"), RelPath.parse("é").name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "a/", "a//b", ".", "..", "a/.", "a/..", "./a", "../a",
            "a/./b", "a/../b", "a\0b", "\0"})
    void rejectsUncleanPaths(String rel) {
        assertNull(RelPath.parse(rel));
    }

    @Test
    void rejectsNull() {
        assertNull(RelPath.parse(null));
    }
}
