package dev.pgkeep.cli;

import dev.pgkeep.core.PgkeepJson;

/** Formatting shared by the commands. */
final class Output {
    private Output() {}

    static String json(Object value) {
        return PgkeepJson.compact(value);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }
}
