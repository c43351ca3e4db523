package dev.pgkeep.core;

/** Another backup of the same database, or another restore into it, holds its pgkeep lock. */
public class BackupInProgressException extends PgkeepException {
    private final String database;

    public BackupInProgressException(String database) {
        this(
                database,
                "A backup of database '" + database + "', or a restore into it, is already running (another process"
                        + " or instance holds its pgkeep backup lock); wait for it to finish instead of starting a"
                        + " second one.");
    }

    private BackupInProgressException(String database, String message) {
        super(ErrorKind.IN_PROGRESS, message, null);
        this.database = database;
    }

    /** Another restore into {@code database} holds its restore lock. */
    public static BackupInProgressException restoreInto(String database) {
        return new BackupInProgressException(
                database,
                "A restore into database '" + database + "' is already running (another process or instance holds"
                        + " its pgkeep restore lock); wait for it to finish instead of starting a second one."
                        + " Nothing was changed.");
    }

    /** A backup of {@code database} runs, so a restore into it must wait (the backup would store it half-restored). */
    public static BackupInProgressException backupOf(String database) {
        return new BackupInProgressException(
                database,
                "A backup of database '" + database + "' is already running (another process or instance holds"
                        + " its pgkeep backup lock); a restore into it must wait for it to finish. Nothing was"
                        + " changed.");
    }

    public String database() {
        return database;
    }
}
