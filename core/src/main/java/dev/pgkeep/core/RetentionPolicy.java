package dev.pgkeep.core;

/**
 * Which backups to keep, per database. A backup is kept when any rule keeps it:
 *
 * <ul>
 *   <li>{@code keepDays}: every backup younger than this many days (good or not; 0 switches it off);
 *   <li>{@code keepMin}: the newest {@code keepMin} good backups (at least 1: the newest good backup of a database is
 *       never deleted);
 *   <li>{@code keepDaily}, {@code keepWeekly}, {@code keepMonthly}, {@code keepYearly} (grandfather-father-son, as in
 *       restic and borg): for the last N UTC days (ISO weeks, months, years) that have at least one good backup, the
 *       newest good backup of each. 0 switches a rule off.
 * </ul>
 *
 * A backup is good unless a verification found it broken.
 */
public record RetentionPolicy(
        int keepDays, int keepMin, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {
    public static final int DEFAULT_KEEP_DAYS = 7;
    public static final int DEFAULT_KEEP_MIN = 1;

    public RetentionPolicy {
        if (keepDays < 0) {
            throw new BadInputException("keep-days must be 0 or more, got " + keepDays + ".");
        }
        if (keepMin < 1) {
            throw new BadInputException(
                    "keep-min must be at least 1 (the newest backup is always kept), got " + keepMin + ".");
        }
        requireCount("keep-daily", keepDaily);
        requireCount("keep-weekly", keepWeekly);
        requireCount("keep-monthly", keepMonthly);
        requireCount("keep-yearly", keepYearly);
    }

    /** Age and count rules only, no calendar buckets. */
    public RetentionPolicy(int keepDays, int keepMin) {
        this(keepDays, keepMin, 0, 0, 0, 0);
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_KEEP_DAYS, DEFAULT_KEEP_MIN);
    }

    /** This policy with the grandfather-father-son rules set (0 switches one off). */
    public RetentionPolicy withCalendar(int daily, int weekly, int monthly, int yearly) {
        return new RetentionPolicy(keepDays, keepMin, daily, weekly, monthly, yearly);
    }

    private static void requireCount(String option, int value) {
        if (value < 0) {
            throw new BadInputException(option + " must be 0 (off) or more, got " + value + ".");
        }
    }
}
