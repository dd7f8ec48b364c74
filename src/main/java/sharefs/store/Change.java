package sharefs.store;

import java.util.Set;

/**
 * One committed write, as announced: its change counter value and the users whose views it may
 * have changed. users is null when the announcement could not carry them (too many for one
 * notification): whoever hears it reads the change log instead.
 */
public record Change(long version, Set<Long> users) {
    /** NOTIFY payloads are limited to 8000 bytes; stay well below. */
    static final int MAX_PAYLOAD = 7000;

    /** "version:uid,uid,..." or "version:*". */
    String payload() {
        StringBuilder b = new StringBuilder().append(version).append(':');
        if (users == null) return b.append('*').toString();
        boolean first = true;
        for (long u : users) {
            if (!first) b.append(',');
            first = false;
            b.append(u);
            if (b.length() > MAX_PAYLOAD) return version + ":*";
        }
        return b.toString();
    }

    /** The announcement a payload carries; null if it is not one of ours. */
    static Change parse(String payload) {
        if (payload == null) return null;
        int colon = payload.indexOf(':');
        if (colon <= 0) return null;
        try {
            long version = Long.parseLong(payload.substring(0, colon));
            String rest = payload.substring(colon + 1);
            if (rest.equals("*")) return new Change(version, null);
            if (rest.isEmpty()) return new Change(version, Set.of());
            Set<Long> users = new java.util.HashSet<>();
            for (String u : rest.split(",")) users.add(Long.parseLong(u));
            return new Change(version, Set.copyOf(users));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
