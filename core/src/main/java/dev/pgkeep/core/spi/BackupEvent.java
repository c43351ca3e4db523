package dev.pgkeep.core.spi;

import dev.pgkeep.core.BackupManifest;
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
 * @param errorCode what kind of failure, for failed operations: one of the {@code ERROR_*} constants, stable for
 *     code to act on (the message is for people)
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
        @Nullable String errorCode) {

    /** Another backup of the database was running (another process or instance held the lock). */
    public static final String ERROR_IN_PROGRESS = "in-progress";
    /** The operation failed (pg_dump, pg_restore, storage). */
    public static final String ERROR_FAILED = "failed";
    /** The request could not be carried out as given (unknown backup, bad id or option). */
    public static final String ERROR_BAD_INPUT = "bad-input";
    /** A safety guard refused; nothing was changed. */
    public static final String ERROR_REFUSED = "refused";
    /** A checksum, OpenPGP integrity or archive check failed; nothing was changed. */
    public static final String ERROR_INTEGRITY = "integrity";

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
                error == null ? null : ERROR_FAILED);
    }

    public enum Operation {
        BACKUP,
        RESTORE,
        VERIFY,
        PRUNE,
        DELETE;

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
