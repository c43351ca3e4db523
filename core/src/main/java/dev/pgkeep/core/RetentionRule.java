package dev.pgkeep.core;

/** A reason retention keeps a backup; a backup kept by any rule is kept. */
public enum RetentionRule {
    /** The newest good backup of its database: never deleted. */
    NEWEST_GOOD("newest"),
    /** Among the newest {@code keep-min} good backups of its database. */
    KEEP_MIN("keep-min"),
    /** Younger than {@code keep-days}. */
    KEEP_DAYS("keep-days"),
    /** The newest good backup of one of the last {@code keep-daily} UTC days that have one. */
    DAILY("daily"),
    /** The newest good backup of one of the last {@code keep-weekly} ISO weeks (UTC) that have one. */
    WEEKLY("weekly"),
    /** The newest good backup of one of the last {@code keep-monthly} months (UTC) that have one. */
    MONTHLY("monthly"),
    /** The newest good backup of one of the last {@code keep-yearly} years (UTC) that have one. */
    YEARLY("yearly");

    private final String code;

    RetentionRule(String code) {
        this.code = code;
    }

    /** The rule's name in output and in the CLI's options ({@code keep-min}, {@code daily}, ...). */
    public String code() {
        return code;
    }
}
