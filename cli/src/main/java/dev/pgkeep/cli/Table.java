package dev.pgkeep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A plain-text table whose columns are as wide as their widest cell, two spaces apart; the last column is not padded. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final Set<Integer> rightAligned = new HashSet<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        rows.add(cells);
        return this;
    }

    /** Numbers read best aligned on the right. */
    Table alignRight(int column) {
        rightAligned.add(column);
        return this;
    }

    void print(PrintWriter out) {
        for (String line : lines()) {
            out.println(line);
        }
    }

    List<String> lines() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String cell = row[c];
                String pad = " ".repeat(widths[c] - cell.length());
                if (rightAligned.contains(c)) {
                    line.append(pad).append(cell);
                } else {
                    line.append(cell);
                    if (c < columns - 1) {
                        line.append(pad);
                    }
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
