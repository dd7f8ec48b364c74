package sharefs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Plain aligned text tables for listings. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    private Table(String... header) {
        this.header = header;
    }

    static Table of(String... header) {
        return new Table(header);
    }

    <T> Table rows(List<T> items, Function<T, Object[]> f) {
        for (T item : items) {
            Object[] cells = f.apply(item);
            String[] s = new String[cells.length];
            for (int i = 0; i < cells.length; i++) s[i] = cells[i] == null ? "" : String.valueOf(cells[i]);
            rows.add(s);
        }
        return this;
    }

    String render() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) w[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder b = new StringBuilder();
        line(b, header, w);
        for (String[] r : rows) line(b, r, w);
        if (rows.isEmpty()) b.append("(none)\n");
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) l.append(" ".repeat(w[i] - cells[i].length() + 2));
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
