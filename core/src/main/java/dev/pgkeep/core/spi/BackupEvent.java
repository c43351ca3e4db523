package dev.pgkeep.core.spi;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.Trigger;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One step of one operation, as seen by {@link AuditSink}s. Never holds a password or a full connection URL.
 *
 * @param database the database backed up, restored into, or whose backup is verified/deleted; {@code null} for a
 *     repository-wide prune
 * @param backupId the backup concerned, when known
 * @param actor who asked (a user name, a principal); {@code null} when unknown
 * @param clientAddress where the request came from (HTTP), when known
 * @param durationMs for finished operations
 * @param storedBytes size of the stored object (backup) or of the object read (restore)
 * @param dumpBytes size of the uncompressed archive (backup)
 * @param count number of backups deleted (prune), otherwise {@code null}
 * @param error the failure message (first lines), for failed operations
 * @param manifest the manifest written (backup succeeded) or read, when there is one
 * @param errorKind what kind of failure, for failed operations: stable for code to act on (the message is for
 *     people); its {@link ErrorKind#code()} is the audit line's {@code errorCode}
 */
public record BackupEvent(
        Operation operation,
        Phase phase,
        Instant at,
        @Nullable String database,
        @Nullable String backupId,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        @Nullable Long durationMs,
        @Nullable Long storedBytes,
        @Nullable Long dumpBytes,
        @Nullable Integer count,
        @Nullable String error,
        @Nullable BackupManifest manifest,
        @Nullable ErrorKind errorKind) {

    /** An event without an error code (every phase but FAILED, or a failure of unknown kind). */
    public BackupEvent(
            Operation operation,
            Phase phase,
            Instant at,
            @Nullable String database,
            @Nullable String backupId,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress,
            @Nullable Long durationMs,
            @Nullable Long storedBytes,
            @Nullable Long dumpBytes,
            @Nullable Integer count,
            @Nullable String error,
            @Nullable BackupManifest manifest) {
        this(
                operation,
                phase,
                at,
                database,
                backupId,
                trigger,
                actor,
                clientAddress,
                durationMs,
                storedBytes,
                dumpBytes,
                count,
                error,
                manifest,
                error == null ? null : ErrorKind.FAILED);
    }

    /** {@link #errorKind()}'s stable code, e.g. {@code in-progress}; {@code null} unless the operation failed. */
    public @Nullable String errorCode() {
        ErrorKind kind = errorKind;
        return kind == null ? null : kind.code();
    }

    public enum Operation {
        BACKUP,
        RESTORE,
        VERIFY,
        PRUNE,
        DELETE,
        COPY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Phase {
        STARTED,
        SUCCEEDED,
        FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code backup.succeeded}, {@code restore.failed}, ... */
    public String type() {
        return operation.wireName() + "." + phase.wireName();
    }
}
