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
 */
public record BackupRequest(
        @Nullable DatabaseConnection database,
        @Nullable String label,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        ProgressListener progress) {

    public BackupRequest {
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
    }

    /** A request without a progress listener. */
    public BackupRequest(
            @Nullable DatabaseConnection database,
            @Nullable String label,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress) {
        this(database, label, trigger, actor, clientAddress, ProgressListener.NONE);
    }

    /** A backup of the service's default database. */
    public static BackupRequest of(Trigger trigger) {
        return new BackupRequest(null, null, trigger, null, null);
    }

    public static BackupRequest of(DatabaseConnection database, Trigger trigger) {
        return new BackupRequest(database, null, trigger, null, null);
    }

    public BackupRequest withLabel(@Nullable String newLabel) {
        return new BackupRequest(database, newLabel, trigger, actor, clientAddress, progress);
    }

    public BackupRequest withActor(@Nullable String newActor, @Nullable String newClientAddress) {
        return new BackupRequest(database, label, trigger, newActor, newClientAddress, progress);
    }

    public BackupRequest withProgress(ProgressListener listener) {
        return new BackupRequest(database, label, trigger, actor, clientAddress, listener);
    }
}
