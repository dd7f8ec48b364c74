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
