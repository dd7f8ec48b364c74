package sharefs.sharing;

import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of folder names, project names and emails. */
public final class Names {
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    // Deliberately simple: local@domain.tld, no spaces, no quotes, no control characters.
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,63}");

    private Names() {
    }

    public static String folder(String name) {
        if (name == null || !FOLDER.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw SharingException.invalid("invalid folder name '" + printable(name)
                    + "': use 1-64 characters of A-Z a-z 0-9 . _ - (not . or ..)");
        }
        if (name.startsWith("-")) {
            // In a session's home, `rm *` or `ls *` would read such a folder as options.
            throw SharingException.invalid("invalid folder name '" + name + "': it may not start with '-'");
        }
        return name;
    }

    public static String project(String name) {
        if (name == null || !FOLDER.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw SharingException.invalid("invalid project name '" + printable(name)
                    + "': use 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /** Emails are one user regardless of case, so they are kept lower-case. */
    public static String email(String email) {
        if (email == null || email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw SharingException.invalid("invalid email '" + printable(email) + "'");
        }
        return email.toLowerCase(Locale.ROOT);
    }

    /**
     * A name or path for a log line, whole, with control characters escaped: a session's file
     * name with a newline in it must not forge a line of the agent's log.
     */
    public static String loggable(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) b.append(String.format("\\x%02x", cp));
            else b.appendCodePoint(cp);
        });
        return b.toString();
    }

    /** Keeps an error message on one line whatever the user typed. */
    static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (Character.isISOControl(cp)) b.append(String.format("\\x%02x", cp));
            else b.appendCodePoint(cp);
        });
        return b.toString();
    }
}
