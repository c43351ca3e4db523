package dev.pgkeep.core;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A backup's id: a UTC timestamp and a random suffix, {@code 20261125T020000Z-7f3a}. Ids sort by time and are safe
 * as path segments and object keys; anything else is rejected, which closes the door on path tricks such as
 * {@code ../../etc}.
 */
public record BackupId(String value) implements Comparable<BackupId> {
    private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4,16}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    public BackupId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new BadInputException("'" + printable(value) + "' is not a pgkeep backup id; ids look like"
                    + " 20261125T020000Z-7f3a (run 'pgkeep list' to see them).");
        }
    }

    public static BackupId parse(String value) {
        return new BackupId(value);
    }

    public static boolean isValid(String value) {
        return FORMAT.matcher(value).matches();
    }

    /**
     * A new id for a backup starting at {@code at}, with 48 random bits (12 hex digits): two backups of the same second
     * in one repository collide with a probability far below any other failure (16 bits, as before, did not).
     */
    public static BackupId generate(Instant at) {
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        return new BackupId(STAMP.format(at.truncatedTo(ChronoUnit.SECONDS)) + "-"
                + HexFormat.of().formatHex(suffix));
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
