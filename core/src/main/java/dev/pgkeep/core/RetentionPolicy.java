package dev.pgkeep.core;

/**
 * Which backups to keep: every backup younger than {@code keepDays}, and never fewer than {@code keepMin} good
 * backups per database (the newest ones). The newest good backup of a database is never deleted.
 */
public record RetentionPolicy(int keepDays, int keepMin) {
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
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_KEEP_DAYS, DEFAULT_KEEP_MIN);
    }
}
