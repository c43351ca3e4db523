package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * Asks for one backup.
 *
 * @param database the database to back up; {@code null} means the service's default database
 * @param label free text stored in the manifest (e.g. {@code pre-restore}, {@code before-migration-42})
 * @param actor who asked, for the audit log
 * @param clientAddress where the request came from, for the audit log
 */
public record BackupRequest(
        @Nullable DatabaseConnection database,
        @Nullable String label,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress) {

    /** A backup of the service's default database. */
    public static BackupRequest of(Trigger trigger) {
        return new BackupRequest(null, null, trigger, null, null);
    }

    public static BackupRequest of(DatabaseConnection database, Trigger trigger) {
        return new BackupRequest(database, null, trigger, null, null);
    }

    public BackupRequest withLabel(@Nullable String newLabel) {
        return new BackupRequest(database, newLabel, trigger, actor, clientAddress);
    }

    public BackupRequest withActor(@Nullable String newActor, @Nullable String newClientAddress) {
        return new BackupRequest(database, label, trigger, newActor, newClientAddress);
    }
}
