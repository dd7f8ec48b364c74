package sharefs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_NOFOLLOW;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_WRONLY;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sharefs.fs.MountTable;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.UsageMode;

/** Part 5: hostile names, SQL-looking input, huge directories, link escapes, other uids. One mount, path with spaces. */
class HostileInputTest {
    static final String OWNER = "owner@x.io", BOB = "bob@x.io";

    @TempDir
    static Path tmp;
    static Install in;
    static Path mp, f1Backing, f2Backing;

    @BeforeAll
    static void mount() throws Exception {
        in = Install.withAgentInProcess(tmp);
        in.sharing.users().add(null, OWNER, null, false);
        in.sharing.users().add(null, BOB, null, false);
        f1Backing = in.home.folderDir(in.sharing.folders().create(OWNER, "f1", null, null, UsageMode.GENERAL).folderId());
        f2Backing = in.home.folderDir(in.sharing.folders().create(OWNER, "f2", null, null, UsageMode.GENERAL).folderId());
        mp = in.mountPoint("my view 'n' spaces");
        in.mount(OWNER, mp);
    }

    @AfterAll
    static void unmount() {
        if (in != null) in.close();
    }

    @Test
    void aFolderRowWhoseIdIsAPathIsNeverServed() throws Exception {
        // What an attacker with the database could plant: a folder whose id climbs out of storage/.
        Path target = Files.createDirectories(tmp.resolve("host-dir"));
        Files.writeString(target.resolve("secret"), "host data");
        String id = "../../host-dir";
        in.sharing.db().write(c -> {
            long owner = in.sharing.users().get(OWNER).id();
            try (var ps = c.prepareStatement("INSERT INTO folders (id, name, owner_user_id, usage_mode, state, created_at)"
                    + " VALUES (?, 'planted', ?, 'general', 'active', CURRENT_TIMESTAMP)")) {
                ps.setString(1, id);
                ps.setLong(2, owner);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO view_entries (user_id, folder_id, name) VALUES (?, ?, 'planted')")) {
                ps.setLong(1, owner);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO change_log (version, user_id, at)"
                    + " SELECT val, ?, CURRENT_TIMESTAMP FROM change_counter WHERE id = 1")) {
                ps.setLong(1, owner);
                ps.executeUpdate();
            }
            return null;
        });
        long planted = in.sharing.db().changeCounter();
        try {
            // The row is announced like any change: wait until the mount's view was rebuilt from it.
            Install.await("the view reloads past the planted row", 10_000, () -> in.viewVersion(mp) >= planted);
            assertFalse(names(mp).contains("planted"), "a folder with a path for an id is listed: " + names(mp));
            // Left out of the view, it is no name at all: nothing to read, nothing to create in.
            assertEquals("ENOENT", Syscalls.outcome(Syscalls.openClose(mp.resolve("planted").resolve("secret"), O_RDONLY)));
            assertEquals("ENOENT", Syscalls.outcome(Syscalls.openClose(mp.resolve("planted").resolve("new"), O_CREAT | O_WRONLY)));
            assertEquals(List.of("secret"), Files.list(target).map(p -> p.getFileName().toString()).toList(),
                    "the host directory is untouched");
            assertTrue(names(mp).containsAll(List.of("f1", "f2")), names(mp).toString());
        } finally {
            in.sharing.db().write(c -> {
                try (var st = c.createStatement()) {
                    st.executeUpdate("DELETE FROM view_entries WHERE folder_id = '../../host-dir'");
                    st.executeUpdate("DELETE FROM folders WHERE id = '../../host-dir'");
                }
                return null;
            });
        }
    }

    static Set<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    @Timeout(60)
    void mountpointWithSpacesWorksAndUnmountsByName() throws Exception {
        assertTrue(MountTable.find(mp).isPresent(), "MountTable must find a path with spaces and quotes");
        assertTrue(names(mp).containsAll(List.of("f1", "f2")));
        Install.Result ls = Install.run(30, "ls", "-A", mp.toString());
        assertEquals(0, ls.rc(), ls.out());
        // A second mount with spaces, unmounted by the CLI without --force.
        Path other = in.mountPoint("second  view");
        in.mount(BOB, other);
        Install.Result r = in.cli("umount", other.toString());
        assertEquals(0, r.rc(), r.err());
        assertFalse(MountTable.find(other).isPresent());
    }

    @Test
    @Timeout(60)
    void oddFileNamesAreCreatedListedReadAndRemoved() throws Exception {
        String long255 = "é".repeat(127) + "x";
        assertEquals(255, long255.getBytes(StandardCharsets.UTF_8).length);
        List<String> odd = List.of("new\nline", "-rf", "--help", "-", "100% done %s %n %%", "%2e%2e",
                "it's \"quoted\" `x` $HOME", "\ttab", " lead", "trail ", "back\\slash", "emoji😀", long255, "..."  );
        Path dir = mp.resolve("f1").resolve("odd");
        Files.createDirectory(dir);
        for (String n : odd) Files.writeString(dir.resolve(n), "content of " + n);
        assertEquals(new HashSet<>(odd), names(dir));
        assertEquals(new HashSet<>(odd), names(f1Backing.resolve("odd")), "backing names are stored literally");
        for (String n : odd) assertEquals("content of " + n, Files.readString(dir.resolve(n)));
        // 256 bytes: a clear refusal, nothing created.
        String long256 = long255 + "y";
        IOException tooLong = assertThrows(IOException.class, () -> Files.writeString(dir.resolve(long256), "x"));
        assertTrue(String.valueOf(tooLong.getMessage()).contains("File name too long"), tooLong.toString());
        // Ordinary tools with leading dashes.
        Install.Result rm = Install.run(30, "rm", "--", dir.resolve("-rf").toString());
        assertEquals(0, rm.rc(), rm.out());
        for (String n : odd) if (!n.equals("-rf")) Files.delete(dir.resolve(n));
        assertEquals(Set.of(), names(dir));
        assertEquals(Set.of(), names(f1Backing.resolve("odd")));
        Files.delete(dir);
    }

    @Test
    @Timeout(60)
    void sqlLookingInputIsRefusedAsAUsageError() throws Exception {
        String sql = "x'); DROP TABLE users;--";
        List<String> usersBefore = in.sharing.users().list().stream().map(u -> u.email()).sorted().toList();
        // Every one is a usage error (exit 2, one line): not an email, not a folder name, not a
        // permission. None reaches the database, literally or otherwise.
        Map<String, Install.Result> refused = new LinkedHashMap<>();
        refused.put("user add (not an email)", in.cli("user", "add", sql));
        refused.put("user add (quote in the local part)", in.cli("user", "add", sql + "@x.io"));
        refused.put("folder create", in.cli("--as", OWNER, "folder", "create", sql));
        refused.put("share invite --to", in.cli("--as", OWNER, "share", "invite", "f1", "--to", "bob@x.io' OR '1'='1", "--perm", "view"));
        refused.put("--as", in.cli("--as", OWNER + "' OR '1'='1", "folder", "list"));
        refused.put("folder rename", in.cli("--as", OWNER, "folder", "rename", "f1", "f1'; DELETE FROM folders;--"));
        refused.put("share invite --perm", in.cli("--as", OWNER, "share", "invite", "f1", "--to", BOB, "--perm", "view'; DROP TABLE shares;--"));
        for (var e : refused.entrySet()) {
            Install.Result r = e.getValue();
            assertEquals(2, r.rc(), e.getKey() + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), e.getKey() + ": one line on stderr: " + r.err());
        }
        // Nothing changed; every table is still there.
        assertEquals(usersBefore, in.sharing.users().list().stream().map(u -> u.email()).sorted().toList());
        List<String> now = in.sharing.folders().view(OWNER).stream().map(FolderAccess::name).sorted().toList();
        assertEquals(List.of("f1", "f2"), now);
        assertTrue(in.sharing.invitations().list(BOB).isEmpty());
        assertEquals(0, in.cli("--as", OWNER, "share", "list", "f1").rc());
        assertEquals(Set.of("f1", "f2"), names(mp), "the mount shows the same");
    }

    @Test
    @Timeout(120)
    void tenThousandEntriesAreListedCompletely() throws Exception {
        Path many = Files.createDirectory(f2Backing.resolve("many"));
        Set<String> want = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String n = "entry-" + i + (i % 7 == 0 ? "-with-a-somewhat-longer-name-to-vary-record-sizes-" + "z".repeat(i % 90) : "");
            Files.createFile(many.resolve(n));
            want.add(n);
        }
        Set<String> got = names(mp.resolve("f2").resolve("many"));
        assertEquals(10_000, got.size());
        assertEquals(want, got);
        Install.Result find = Install.run(60, "sh", "-c", "ls -f -- \"$0\" | grep -c '^entry-'", mp.resolve("f2").resolve("many").toString());
        assertEquals("10000", find.out().strip());
    }

    @Test
    @Timeout(60)
    void symlinksAreNeverFollowedByTheDaemon() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "daemon-side");
        Files.writeString(f2Backing.resolve("f2file"), "f2 bytes");
        Files.createSymbolicLink(f1Backing.resolve("lnk"), outside.resolve("secret"));
        Files.createSymbolicLink(f1Backing.resolve("dirlnk"), f2Backing);
        Files.createSymbolicLink(f1Backing.resolve("etc"), Path.of("/etc"));
        Path f1 = mp.resolve("f1");
        for (String n : List.of("lnk", "dirlnk", "etc")) {
            assertTrue(Files.readAttributes(f1.resolve(n), java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isSymbolicLink(), n + " must show as a symlink, not its target");
        }
        assertEquals(outside.resolve("secret"), Files.readSymbolicLink(f1.resolve("lnk")));
        // In a namespace of its own the caller sees other things at the targets: what a cat through the
        // link shows is the caller's, so the daemon resolved nothing.
        String script = "mount -t tmpfs none \"$1\" && echo caller-side > \"$1/secret\" && cat \"$2/lnk\""
                + " && mount -t tmpfs none \"$3\" && echo --- && (ls -A \"$2/dirlnk/\" 2>/dev/null || echo missing-here) && echo --- && cat \"$4/f2/f2file\"";
        Install.Result r = Install.run(60, "unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                outside.toString(), f1.toString(), in.home.storage().toString(), mp.toString());
        assertEquals(0, r.rc(), r.out());
        // The other folder's backing dir does not exist in the caller's namespace (tmpfs over storage/), yet
        // the daemon still serves f2 itself: the link was resolved by the caller's kernel lookup only.
        assertEquals("caller-side\n---\nmissing-here\n---\nf2 bytes", r.out().strip());
        // O_NOFOLLOW through the mount: the link itself, as a link, which open(2) refuses with ELOOP.
        assertEquals("ELOOP", Syscalls.outcome(Syscalls.openClose(f1.resolve("lnk"), O_RDONLY | O_NOFOLLOW)));
        // The daemon still answers; the outside file is untouched.
        assertEquals("daemon-side", Files.readString(outside.resolve("secret")));
        for (String n : List.of("lnk", "dirlnk", "etc")) Files.delete(f1.resolve(n));
        assertFalse(Files.exists(f1Backing.resolve("lnk"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(f2Backing.resolve("f2file")), "removing a link never removes its target");
    }

    @Test
    @Timeout(60)
    void hardLinksCannotReachOutsideTheFolder() throws Exception {
        Path f1 = mp.resolve("f1"), f2 = mp.resolve("f2");
        Files.writeString(f2.resolve("target"), "f2 data");
        Files.writeString(f1.resolve("mine"), "f1 data");
        FileSystemException cross = assertThrows(FileSystemException.class, () -> Files.createLink(f1.resolve("h1"), f2.resolve("target")));
        assertTrue(String.valueOf(cross.getMessage()).contains("Invalid cross-device link"), cross.toString());
        Path outside = Files.writeString(tmp.resolve("outside-file"), "outside");
        FileSystemException out = assertThrows(FileSystemException.class, () -> Files.createLink(f1.resolve("h2"), outside));
        assertTrue(String.valueOf(out.getMessage()).contains("Invalid cross-device link"), out.toString());
        assertFalse(Files.exists(f1Backing.resolve("h1")));
        assertFalse(Files.exists(f1Backing.resolve("h2")));
        Install.Result ln = Install.run(30, "ln", f2.resolve("target").toString(), f1.resolve("h3").toString());
        assertNotEquals(0, ln.rc());
        assertTrue(ln.out().contains("Invalid cross-device link"), ln.out());
        // Within one folder a hard link is fine.
        Files.createLink(f1.resolve("same"), f1.resolve("mine"));
        assertEquals(2, (int) Files.getAttribute(f1Backing.resolve("mine"), "unix:nlink"));
        assertEquals("f1 data", Files.readString(f1.resolve("same")));
    }

    @Test
    @Timeout(60)
    void anotherUidIsDeniedAtTheMountpoint() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Install.Result parent = Install.run(30, "setpriv", "--reuid", "1001", "--regid", "1001", "--clear-groups", "ls", mp.getParent().toString());
        assertEquals(0, parent.rc(), "uid 1001 must reach the parent for this to test the mount: " + parent.out());
        for (Path p : List.of(mp, mp.resolve("f1"))) {
            Install.Result r = Install.run(30, "setpriv", "--reuid", "1001", "--regid", "1001", "--clear-groups", "ls", p.toString());
            assertNotEquals(0, r.rc(), r.out());
            assertTrue(r.out().contains("Permission denied"), r.out());
        }
        Install.Result w = Install.run(30, "setpriv", "--reuid", "1001", "--regid", "1001", "--clear-groups",
                "sh", "-c", "echo x > \"$0\"", mp.resolve("f1").resolve("intruder").toString());
        assertNotEquals(0, w.rc());
        assertFalse(Files.exists(f1Backing.resolve("intruder")));
    }
}
