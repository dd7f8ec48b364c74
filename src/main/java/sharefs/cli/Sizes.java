package sharefs.cli;

import sharefs.sharing.SharingException;

/** Sizes as people write them: 0, 4096, 512K, 128M, 2G (powers of 1024). */
final class Sizes {
    private Sizes() {
    }

    static long parse(String option, String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,15}[KkMmGgTt]?")) {
            throw SharingException.invalid(option + " needs a size such as 0, 512K, 128M or 2G, not '" + text + "'");
        }
        char unit = Character.toUpperCase(t.charAt(t.length() - 1));
        long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) throw SharingException.invalid(option + " is too large: '" + text + "'");
        return n << shift;
    }
}
