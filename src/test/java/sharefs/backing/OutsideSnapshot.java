package sharefs.backing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Everything observable about a directory tree that an escape could change. */
final class OutsideSnapshot {
    private OutsideSnapshot() {}

    static Map<String, String> take(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,ino,nlink,lastModifiedTime,ctime",
                        LinkOption.NOFOLLOW_LINKS);
                String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "";
                out.put(dir.relativize(p).toString(), new TreeMap<>(a) + " " + content);
            }
        }
        return out;
    }

    static void assertUnchanged(Map<String, String> before, Path dir) throws IOException {
        assertEquals(before, take(dir), "outside directory was modified");
    }
}
