package sharefs.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import sharefs.backing.Errno;

/**
 * The xattr rules of both engines, decided by the ASCII prefix alone: only user.* may be
 * written; capabilities, labels and ACLs of backing files grant nothing in a view, so they are
 * hidden. The kernel engine asks with names as bytes, so a name that is not UTF-8 after its
 * prefix (user.\xff) round-trips; the libfuse2 engine has Java strings, and cannot be asked for
 * such a name at all, so its listings leave them out.
 */
final class XattrNames {
    private static final String USER = "user.", SYSTEM = "system.", SECURITY = "security.", POSIX_ACL = "system.posix_acl_";
    private static final byte[] USER_BYTES = ascii(USER), SYSTEM_BYTES = ascii(SYSTEM), SECURITY_BYTES = ascii(SECURITY),
            POSIX_ACL_BYTES = ascii(POSIX_ACL);

    /**
     * What getxattr of a hidden name answers: "not supported here", which is true of the view (it
     * has no labels or ACLs, and setting system.* is EOPNOTSUPP too), and which `ls -l` remembers
     * per filesystem, where after "no data" it asks for the label and the ACL of every file again.
     */
    static final int HIDDEN = -Errno.EOPNOTSUPP;

    private XattrNames() {
    }

    /** 0 for user.*, -EOPNOTSUPP for system.*, -EPERM for every other namespace (trusted.*, security.*). */
    static int namespace(byte[] name) {
        if (startsWith(name, 0, name.length, USER_BYTES)) return 0;
        if (startsWith(name, 0, name.length, SYSTEM_BYTES)) return -Errno.EOPNOTSUPP;
        return -Errno.EPERM;
    }

    /** The same rule for a name as the libfuse2 engine has it. */
    static int namespace(String name) {
        if (name.startsWith(USER)) return 0;
        if (name.startsWith(SYSTEM)) return -Errno.EOPNOTSUPP;
        return -Errno.EPERM;
    }

    /** Whether name is never shown (capabilities, labels, ACLs). */
    static boolean hidden(byte[] name) {
        return hidden(name, 0, name.length);
    }

    static boolean hidden(String name) {
        return name.startsWith(SECURITY) || name.startsWith(POSIX_ACL);
    }

    /** A listxattr answer (NUL-terminated names) without the hidden ones; every other name kept as its bytes. */
    static byte[] withoutHidden(byte[] list) {
        return filtered(list, false);
    }

    /** The same, also without the names that are not UTF-8 (the libfuse2 engine could not be asked for them). */
    static byte[] withoutHiddenOrUndecodable(byte[] list) {
        return filtered(list, true);
    }

    private static byte[] filtered(byte[] list, boolean utf8Only) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(list.length);
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] != 0) continue;
            int len = i - start;
            boolean keep = !hidden(list, start, len) && (!utf8Only || sharefs.backing.Utf8.strict(list, start, len) != null);
            if (keep) kept.write(list, start, len + 1);
            start = i + 1;
        }
        return kept.toByteArray();
    }

    private static boolean hidden(byte[] b, int off, int len) {
        return startsWith(b, off, len, SECURITY_BYTES) || startsWith(b, off, len, POSIX_ACL_BYTES);
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
