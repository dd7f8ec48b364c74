package sharefs.sharing;

import java.util.Locale;

/** What a folder is for, as the platform shows it; it does not change access. */
public enum UsageMode {
    GENERAL, DATA, MODEL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UsageMode parse(String text) {
        for (UsageMode m : values()) {
            if (m.label().equalsIgnoreCase(text == null ? "" : text.trim())) return m;
        }
        throw SharingException.invalid("unknown usage mode '" + text + "': use general|data|model");
    }
}
