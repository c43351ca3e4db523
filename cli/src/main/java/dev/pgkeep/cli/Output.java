package dev.pgkeep.cli;

import dev.pgkeep.core.PgkeepJson;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

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

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("HH:mm'Z'", Locale.ROOT);
    private static final DateTimeFormatter UTC_DATE_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm'Z'", Locale.ROOT);

    /**
     * {@code 2026-12-01 14:03 CET (13:03Z)}: the local time a person reads, with the UTC instant alongside (its date
     * too when the day differs); just {@code 2026-12-01 13:03 UTC} when the local zone is UTC.
     */
    static String time(Instant instant, ZoneId zone) {
        ZonedDateTime local = instant.atZone(zone);
        if (zone.normalized().equals(ZoneOffset.UTC)) {
            return local.withZoneSameInstant(ZoneOffset.UTC).format(LOCAL).replace(" Z", " UTC");
        }
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        DateTimeFormatter alongside = utc.toLocalDate().equals(local.toLocalDate()) ? UTC_TIME : UTC_DATE_TIME;
        return local.format(LOCAL) + " (" + utc.format(alongside) + ")";
    }

    static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }
}
