package sharefs.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import sharefs.backing.Errno;

/**
 * xattr names on the kernel engine, where names are bytes: the rules of the libfuse2 engine
 * (SharefsFs#xattrNamespace, ReadOnlyFs#hiddenXattr), decided by the ASCII prefix alone, so a
 * name that is not UTF-8 after it (user.\xff) round-trips instead of being refused.
 */
final class XattrNames {
    private static final byte[] USER = ascii("user."), SYSTEM = ascii("system."), SECURITY = ascii("security."),
            POSIX_ACL = ascii("system.posix_acl_");

    private XattrNames() {
    }

    /** 0 for user.*, -EOPNOTSUPP for system.*, -EPERM for every other namespace (trusted.*, security.*). */
    static int namespace(byte[] name) {
        if (startsWith(name, 0, name.length, USER)) return 0;
        if (startsWith(name, 0, name.length, SYSTEM)) return -Errno.EOPNOTSUPP;
        return -Errno.EPERM;
    }

    /** Capabilities, labels and ACLs of backing files grant nothing in a view: never shown. */
    static boolean hidden(byte[] name) {
        return hidden(name, 0, name.length);
    }

    /** A listxattr answer (NUL-terminated names) without the hidden ones; every other name kept as its bytes. */
    static byte[] withoutHidden(byte[] list) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(list.length);
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] != 0) continue;
            if (!hidden(list, start, i - start)) kept.write(list, start, i - start + 1);
            start = i + 1;
        }
        return kept.toByteArray();
    }

    private static boolean hidden(byte[] b, int off, int len) {
        return startsWith(b, off, len, SECURITY) || startsWith(b, off, len, POSIX_ACL);
    }

    private static boolean startsWith(byte[] b, int off, int len, byte[] prefix) {
        if (len < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) return false;
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
