package dev.pgkeep.core;

/** Another backup of the same database holds the backup lock. */
public class BackupInProgressException extends PgkeepException {
    private final String database;

    public BackupInProgressException(String database) {
        super(
                ErrorKind.IN_PROGRESS,
                "A backup of database '" + database + "' is already running (another process or instance holds"
                        + " the pgkeep lock); wait for it to finish instead of starting a second one.",
                null);
        this.database = database;
    }

    public String database() {
        return database;
    }
}
