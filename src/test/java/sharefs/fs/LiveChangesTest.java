package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sharefs.backing.Flags.O_CREAT;
import static sharefs.backing.Flags.O_EXCL;
import static sharefs.backing.Flags.O_RDONLY;
import static sharefs.backing.Flags.O_RDWR;
import static sharefs.backing.Flags.O_WRONLY;
import static sharefs.fs.Px.ENOENT;
import static sharefs.fs.Px.EROFS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sharefs.sharing.Permission;
import sharefs.sharing.UsageMode;

/**
 * Changes made through the sharing service reach one live mount (of b's view) without a
 * remount. Every wait is a bounded poll for the expected state; nothing about timing is asserted.
 * On the default engine (kernel here); {@link Libfuse2LiveChangesTest} runs them on libfuse2.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class LiveChangesTest {
    static final String A = "a@x.io", B = "b@x.io", ADMIN = "root@x.io";

    @TempDir
    static Path tmp;
    static Mounts env;
    static Path mnt;
    static final AtomicInteger N = new AtomicInteger();

    /** The engine b's mount names; null: the default. */
    Engine engine() {
        return null;
    }

    /** One instance per class, so a subclass can pick the engine (the fixtures stay static). */
    @BeforeAll
    void mountB() throws IOException {
        env = new Mounts(tmp);
        env.user(A);
        env.user(B);
        env.admin(ADMIN);
        env.folder(B, "home");
        mnt = env.mountPoint("b");
        env.mount(new MountRequest(B, mnt, Mounts.UID, Mounts.GID, null, List.of(), 0.5, FsLimits.DEFAULT, engine()));
    }

    @AfterAll
    void unmount() {
        if (env != null) env.close();
    }

    /** A folder of a, with one file, shared to b at perm (accepted). */
    private static String sharedFolder(Permission perm) throws IOException {
        String name = "f" + N.incrementAndGet();
        env.folder(A, name);
        Files.writeString(env.backing(A, name).resolve("file"), "original");
        env.share(A, name, B, perm);
        Mounts.eventually(name + " appears", () -> Px.lstatErrno(mnt.resolve(name)) == 0);
        return name;
    }

    private static int create(Path p) {
        int fd = Px.open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd >= 0) Px.close(fd);
        return Px.errno(fd);
    }

    @Test
    void accept_folderAppears() throws IOException {
        env.folder(A, "acc");
        Files.writeString(env.backing(A, "acc").resolve("file"), "hi");
        long id = env.invite(A, "acc", B, Permission.EDIT);
        assertFalse(Px.list(mnt).contains("acc"), "visible before accepting");
        assertEquals(ENOENT, Px.lstatErrno(mnt.resolve("acc")));
        env.accept(B, id);
        Mounts.eventually("accepted folder is listed", () -> Px.list(mnt).contains("acc"));
        Mounts.eventually("accepted folder can be entered", () -> Px.lstatErrno(mnt.resolve("acc/file")) == 0);
        int fd = Px.open(mnt.resolve("acc/file"), O_RDONLY, 0);
        assertTrue(fd >= 0);
        assertEquals("hi", Px.pread(fd));
        Px.close(fd);
    }

    @Test
    void viewToEdit_nextCreateWorks() throws IOException {
        String f = sharedFolder(Permission.VIEW);
        assertEquals(Px.name(EROFS), Px.name(create(mnt.resolve(f + "/before"))));
        env.sharing.shares().set(A, f, B, Permission.EDIT);
        AtomicInteger tries = new AtomicInteger();
        Mounts.eventually("create works after view -> edit", () -> {
            int e = create(mnt.resolve(f + "/after" + tries.incrementAndGet()));
            if (e != 0 && e != EROFS) throw new AssertionError("create gave " + Px.name(e));
            return e == 0;
        });
        assertTrue(Files.exists(env.backing(A, f).resolve("after" + tries.get())));
        assertFalse(Files.exists(env.backing(A, f).resolve("before")));
    }

    @Test
    void editToView_writeOnADescriptorOpenedBefore_EROFS() throws IOException {
        String f = sharedFolder(Permission.EDIT);
        Path file = mnt.resolve(f + "/file");
        int fd = Px.open(file, O_RDWR, 0);
        assertTrue(fd >= 0, "open O_RDWR: " + Px.name(-fd));
        try {
            assertEquals(3, Px.pwrite(fd, "NEW", 0), "write while edit");
            env.sharing.shares().set(A, f, B, Permission.VIEW);
            // Wait for the downgrade to show through a side channel, then write exactly once.
            Mounts.eventually("downgrade reaches the mount", () -> Px.access(file, Px.W_OK) == -EROFS);
            String before = Files.readString(env.backing(A, f).resolve("file"));
            assertEquals(Px.name(EROFS), Px.name(Px.errno(Px.pwrite(fd, "XYZ", 0))));
            assertEquals(Px.name(EROFS), Px.name(Px.errno(Px.ftruncate(fd, 0))));
            assertEquals(before, Files.readString(env.backing(A, f).resolve("file")));
            assertEquals("NEWginal", before);
            // Reading the same descriptor still works: view still reads.
            assertEquals("NEWginal", Px.pread(fd));
        } finally {
            Px.close(fd);
        }
        assertEquals(Px.name(EROFS), Px.name(Px.errno(Px.open(file, O_WRONLY, 0))));
    }

    @Test
    void revoke_folderGone() throws IOException {
        String f = sharedFolder(Permission.EDIT_DELETE);
        int fd = Px.open(mnt.resolve(f + "/file"), O_RDWR, 0);
        assertTrue(fd >= 0);
        try {
            env.sharing.shares().revoke(A, f, B);
            Mounts.eventually("revoked folder is gone", () -> Px.lstatErrno(mnt.resolve(f)) == ENOENT
                    && !Px.list(mnt).contains(f));
            assertEquals(ENOENT, Px.lstatErrno(mnt.resolve(f + "/file")));
            int[] err = new int[1];
            assertNull(Px.list(mnt.resolve(f), err));
            assertEquals(Px.name(ENOENT), Px.name(err[0]));
            // A descriptor opened before the kick-out serves nothing more, neither reads nor writes.
            assertEquals(Px.name(Px.EACCES), Px.name(Px.errno(Px.pwrite(fd, "X", 0))));
            assertNull(Px.pread(fd, 10, 0, err));
            assertEquals(Px.name(Px.EACCES), Px.name(err[0]));
            assertEquals("original", Files.readString(env.backing(A, f).resolve("file")));
        } finally {
            Px.close(fd);
        }
    }

    @Test
    void folderRename_reflected() throws IOException {
        String f = sharedFolder(Permission.EDIT);
        int fd = Px.open(mnt.resolve(f + "/file"), O_RDONLY, 0);
        assertTrue(fd >= 0);
        try {
            env.sharing.folders().rename(A, f, f + "-renamed");
            Mounts.eventually("new name shows, old name gone", () -> Px.lstatErrno(mnt.resolve(f + "-renamed/file")) == 0
                    && Px.lstatErrno(mnt.resolve(f)) == ENOENT);
            List<String> ls = Px.list(mnt);
            assertTrue(ls.contains(f + "-renamed") && !ls.contains(f), ls.toString());
            // The folder is the same: an open descriptor keeps working across the rename.
            assertEquals("original", Px.pread(fd));
            assertEquals(0, create(mnt.resolve(f + "-renamed/new")));
        } finally {
            Px.close(fd);
        }
    }

    @Test
    void folderDelete_reflected() throws IOException {
        String f = sharedFolder(Permission.EDIT);
        env.sharing.folders().delete(A, f);
        Mounts.eventually("deleted folder is gone", () -> Px.lstatErrno(mnt.resolve(f)) == ENOENT && !Px.list(mnt).contains(f));
        assertEquals(Px.name(ENOENT), Px.name(create(mnt.resolve(f + "/x"))));
    }

    @Test
    void projectAddAndRemoveMember_reflected() throws IOException {
        String p = "p" + N.incrementAndGet();
        env.sharing.projects().create(ADMIN, p);
        env.sharing.folders().create(ADMIN, p + "-data", p, Permission.EDIT, UsageMode.DATA);
        assertFalse(Px.list(mnt).contains(p + "-data"));
        env.sharing.projects().addMember(ADMIN, p, B);
        Mounts.eventually("project folder appears", () -> Px.lstatErrno(mnt.resolve(p + "-data")) == 0);
        assertEquals(0, create(mnt.resolve(p + "-data/by-b")), "project --perm edit lets members create");
        assertEquals(Px.name(Px.EACCES), Px.name(Px.errno(Px.unlink(mnt.resolve(p + "-data/by-b")))), "edit may not delete");
        env.sharing.projects().removeMember(ADMIN, p, B);
        Mounts.eventually("project folder disappears", () -> Px.lstatErrno(mnt.resolve(p + "-data")) == ENOENT
                && !Px.list(mnt).contains(p + "-data"));
    }

    @Test
    void editToEditDelete_nextUnlinkWorks() throws IOException {
        String f = sharedFolder(Permission.EDIT);
        assertEquals(Px.name(Px.EACCES), Px.name(Px.errno(Px.unlink(mnt.resolve(f + "/file")))));
        env.sharing.shares().set(A, f, B, Permission.EDIT_DELETE);
        Mounts.eventually("unlink works after edit -> edit-delete", () -> {
            int e = Px.errno(Px.unlink(mnt.resolve(f + "/file")));
            if (e != 0 && e != Px.EACCES) throw new AssertionError("unlink gave " + Px.name(e));
            return e == 0;
        });
        assertFalse(Files.exists(env.backing(A, f).resolve("file")));
    }
}
