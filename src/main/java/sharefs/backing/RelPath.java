package sharefs.backing;

/**
 * A validated path relative to a folder root, split into the parent directory (resolved
 * beneath the root) and the last component (handed to the *at call with no-follow flags).
 */
final class RelPath {
    /** "" when the parent is the root itself. */
    final String parent;
    /** NUL-terminated last component; "." when the path is the root itself. */
    final byte[] name;

    private static final byte[] DOT = {'.', 0};

    private RelPath(String parent, byte[] name) {
        this.parent = parent;
        this.name = name;
    }

    /** Parses rel, or returns null if it is not a clean relative path (caller answers -EINVAL). */
    static RelPath parse(String rel) {
        if (rel == null) return null;
        if (rel.isEmpty()) return new RelPath("", DOT.clone());
        int start = 0;
        int lastSlash = -1;
        int n = rel.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? rel.charAt(i) : '/';
            if (c == 0) return null;
            if (c == '/') {
                if (!validComponent(rel, start, i)) return null;
                if (i < n) lastSlash = i;
                start = i + 1;
            }
        }
        String parent = lastSlash < 0 ? "" : rel.substring(0, lastSlash);
        return new RelPath(parent, LibC.cstr(rel.substring(lastSlash + 1)));
    }

    private static boolean validComponent(String s, int from, int to) {
        int len = to - from;
        if (len == 0) return false;
        if (s.charAt(from) != '.') return true;
        return !(len == 1 || (len == 2 && s.charAt(from + 1) == '.'));
    }

    /** True for a string the kernel would see exactly as given (no NUL truncation). */
    static boolean noNul(String s) {
        return s != null && s.indexOf(0) < 0;
    }
}
