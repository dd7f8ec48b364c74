package sharefs.fuse.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding a new mount's connection number in mountinfo, without a mount. */
class ConnectionIdTest {
    static final List<String> INFO = List.of(
            "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/root rw",
            "40 27 0:38 / /srv/a rw,nosuid,nodev - fuse.sharefs sharefs rw,user_id=0,group_id=0,allow_other",
            "41 27 0:45 / /srv/with\\040space rw,nosuid,nodev - fuse.sharefs sharefs rw",
            "42 40 0:46 / /srv/a rw,nosuid,nodev - fuse.sharefs sharefs rw",
            "43 27 0:47 / /srv/b rw shared:5 master:2 - fuse.other other rw",
            "44 27 0:48 / /srv/b rw - fuse.sharefs sharefs rw");

    @Test
    void theMountOnTheDirectorysOwnMount() {
        assertEquals(38, ConnectionId.find(INFO, 27, "/srv/a", "fuse.sharefs"), "not the one stacked on top (parent 40)");
        assertEquals(46, ConnectionId.find(INFO, 40, "/srv/a", "fuse.sharefs"));
        assertEquals(45, ConnectionId.find(INFO, 27, "/srv/with space", "fuse.sharefs"));
        assertEquals(48, ConnectionId.find(INFO, 27, "/srv/b", "fuse.sharefs"), "optional fields skipped, type checked");
        assertEquals(-1, ConnectionId.find(INFO, 27, "/srv/c", "fuse.sharefs"));
    }
}
