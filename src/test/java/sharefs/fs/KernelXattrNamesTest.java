package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xattr names are bytes on the kernel engine, as file names are: a user.* name that is not UTF-8
 * is set, read, listed and removed as its bytes; the namespaces keep their rules (trusted.* EPERM,
 * security.* hidden). libfuse2 answers EILSEQ instead (NonUtf8NamesTest).
 */
class KernelXattrNamesTest {
    static final String OWNER = "o@x.io";
    static final byte[] USER_FF = {'u', 's', 'e', 'r', '.', 'k', (byte) 0xff, 0};

    @TempDir
    static Path tmp;
    static Mounts env;
    static KernelViewMount mount;

    @BeforeAll
    static void mountOwner() throws IOException {
        env = new Mounts(tmp);
        env.user(OWNER);
        env.folder(OWNER, "tests");
        mount = KernelViewMount.mount(env, OWNER, env.mountPoint("owner"), Duration.ofSeconds(60));
    }

    @AfterAll
    static void unmount() {
        if (mount != null) mount.close();
        if (env != null) env.close();
    }

    private static long rc(long r) {
        return r < 0 ? -FdSys.errno() : r;
    }

    @Test
    void aUserNameThatIsNotUtf8_roundTripsAsItsBytes() throws IOException {
        Path back = Files.writeString(env.backing(OWNER, "tests").resolve("x"), "x");
        Path x = mount.mountPoint.resolve("tests/x");
        byte[] v = {'v', (byte) 0xfe};
        assertEquals(0, rc(Px.S.setxattr(Px.c(x), USER_FF, v, v.length, 0)));
        byte[] got = new byte[64];
        assertEquals(2, rc(Px.S.getxattr(Px.c(x), USER_FF, got, got.length)));
        assertArrayEquals(v, Arrays.copyOf(got, 2));
        assertEquals(2, rc(Px.S.getxattr(Px.c(back), USER_FF, got, got.length)), "the backing file has the same name");
        byte[] list = new byte[256];
        long n = rc(Px.S.listxattr(Px.c(x), list, list.length));
        assertArrayEquals(USER_FF, Arrays.copyOf(list, (int) n), "listed as its bytes");
        assertEquals(0, rc(Px.S.removexattr(Px.c(x), USER_FF)));
        assertEquals(-Px.ENODATA, rc(Px.S.getxattr(Px.c(back), USER_FF, got, got.length)));
    }

    @Test
    void theNamespacesKeepTheirRules_whateverTheBytesAfterThePrefix() throws IOException {
        Path back = Files.writeString(env.backing(OWNER, "tests").resolve("y"), "y");
        Path y = mount.mountPoint.resolve("tests/y");
        byte[] v = {'v'};
        byte[] trusted = {'t', 'r', 'u', 's', 't', 'e', 'd', '.', (byte) 0xff, 0};
        assertEquals(-Px.EPERM, rc(Px.S.setxattr(Px.c(y), trusted, v, 1, 0)));
        assertEquals(-Px.EPERM, rc(Px.S.removexattr(Px.c(y), trusted)));
        // Set natively: a security.* name of the backing file is neither read nor listed through the view.
        byte[] security = {'s', 'e', 'c', 'u', 'r', 'i', 't', 'y', '.', (byte) 0xff, 0};
        assertEquals(0, rc(Px.S.setxattr(Px.c(back), security, v, 1, 0)));
        byte[] got = new byte[64];
        assertEquals(-Px.EOPNOTSUPP, rc(Px.S.getxattr(Px.c(y), security, got, got.length)), "hidden: not supported here");
        byte[] list = new byte[256];
        assertEquals(0, rc(Px.S.listxattr(Px.c(y), list, list.length)));
        assertTrue(rc(Px.S.listxattr(Px.c(back), list, list.length)) > 0, "the backing name stays");
    }
}
