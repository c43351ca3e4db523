package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * Asks for one backup.
 *
 * @param database the database to back up; {@code null} means the service's default database
 * @param label free text stored in the manifest (e.g. {@code pre-restore}, {@code before-migration-42})
 * @param actor who asked, for the audit log
 * @param clientAddress where the request came from, for the audit log
 * @param progress hears how far the backup is (bytes from pg_dump and to storage, ~% of pg_database_size)
 * @param jobs parallel pg_dump jobs: 1 stores one custom-format archive; 2 or more run {@code pg_dump
 *     --format=directory --jobs=N} and store each of its files as an object of its own; 0 takes the service's
 *     default ({@link BackupServiceBuilder#backupJobs}, itself 1 unless set)
 */
public record BackupRequest(
        @Nullable DatabaseConnection database,
        @Nullable String label,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        ProgressListener progress,
        int jobs) {

    public BackupRequest {
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        if (jobs < 0) {
            throw new BadInputException("--jobs must be at least 1, got " + jobs + ".");
        }
    }

    /** A request with the service's default number of jobs. */
    public BackupRequest(
            @Nullable DatabaseConnection database,
            @Nullable String label,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress,
            ProgressListener progress) {
        this(database, label, trigger, actor, clientAddress, progress, 0);
    }

    /** A request without a progress listener. */
    public BackupRequest(
            @Nullable DatabaseConnection database,
            @Nullable String label,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress) {
        this(database, label, trigger, actor, clientAddress, ProgressListener.NONE, 0);
    }

    /** A backup of the service's default database. */
    public static BackupRequest of(Trigger trigger) {
        return new BackupRequest(null, null, trigger, null, null);
    }

    public static BackupRequest of(DatabaseConnection database, Trigger trigger) {
        return new BackupRequest(database, null, trigger, null, null);
    }

    public BackupRequest withLabel(@Nullable String newLabel) {
        return new BackupRequest(database, newLabel, trigger, actor, clientAddress, progress, jobs);
    }

    public BackupRequest withActor(@Nullable String newActor, @Nullable String newClientAddress) {
        return new BackupRequest(database, label, trigger, newActor, newClientAddress, progress, jobs);
    }

    public BackupRequest withProgress(ProgressListener listener) {
        return new BackupRequest(database, label, trigger, actor, clientAddress, listener, jobs);
    }

    /**
     * The same request with {@code value} parallel pg_dump jobs (at least 1; see {@link #jobs}); 2 or more store a
     * directory-format backup.
     */
    public BackupRequest withJobs(int value) {
        if (value < 1) {
            throw new BadInputException("--jobs must be at least 1, got " + value + ".");
        }
        return new BackupRequest(database, label, trigger, actor, clientAddress, progress, value);
    }
}
