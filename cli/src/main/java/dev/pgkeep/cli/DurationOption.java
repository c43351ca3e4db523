package dev.pgkeep.cli;

import dev.pgkeep.core.BadInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration given on the command line: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 0} or ISO-8601. */
final class DurationOption {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|min|h)?");

    private DurationOption() {}

    static Duration parse(String option, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? (n == 0 ? "s" : "") : m.group(2);
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                case "min":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    break; // a bare number other than 0 has no unit: ambiguous
            }
        } else if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new BadInputException("Invalid duration '" + text + "' for " + option
                + ": give a number with a unit (500ms, 30s, 5m, 2h), 0, or ISO-8601 (PT5M).");
    }
}
