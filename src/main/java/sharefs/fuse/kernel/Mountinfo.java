package sharefs.fuse.kernel;

/**
 * The text of /proc/self/mountinfo. Here (the lowest layer that reads it) so the engine and the
 * filesystem's mount table decode paths one way.
 */
public final class Mountinfo {
    private Mountinfo() {
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo (three octal digits). */
    public static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }
}
