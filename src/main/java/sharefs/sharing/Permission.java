package sharefs.sharing;

import java.util.Locale;

/** What an invitee or project member may do inside a folder. The owner is not a level. */
public enum Permission {
    VIEW("view", "ro"),
    EDIT("edit", "rw"),
    EDIT_DELETE("edit-delete", "wd");

    private final String label;
    private final String alias;

    Permission(String label, String alias) {
        this.label = label;
        this.alias = alias;
    }

    public String label() {
        return label;
    }

    public boolean mayWrite() {
        return this != VIEW;
    }

    public boolean mayDelete() {
        return this == EDIT_DELETE;
    }

    /** Accepts view|edit|edit-delete and the aliases ro|rw|wd, in any case. */
    public static Permission parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Permission p : values()) {
                if (p.label.equals(t) || p.alias.equals(t)) return p;
            }
        }
        throw SharingException.invalid("unknown permission '" + text + "': use view|edit|edit-delete (or ro|rw|wd)");
    }

    public static Permission fromDb(String label) {
        for (Permission p : values()) {
            if (p.label.equals(label)) return p;
        }
        throw new IllegalStateException("corrupt permission in database: " + label);
    }

    @Override
    public String toString() {
        return label;
    }
}
