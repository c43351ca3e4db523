package dev.pgkeep.core;

import dev.pgkeep.core.spi.StorageAdapter;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which committed backups to copy from this service's repository to {@code target}: one by id, the newest good one
 * (of {@code database}, or of the repository's only database), or every good one (of {@code database} when given).
 */
public record CopyRequest(
        StorageAdapter target,
        Selection selection,
        @Nullable BackupId backupId,
        @Nullable String database,
        Trigger trigger,
        @Nullable String actor,
        ProgressListener progress) {

    /** What a request selects. */
    public enum Selection {
        BACKUP,
        LATEST,
        ALL
    }

    public CopyRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(trigger, "trigger");
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        if ((selection == Selection.BACKUP) != (backupId != null)) {
            throw new BadInputException("Name a backup id to copy one backup, and only then.")
                    .withRemedy(PgkeepException.Remedy.NAME_BACKUP, null);
        }
    }

    public static CopyRequest backup(BackupId id, StorageAdapter target) {
        return new CopyRequest(target, Selection.BACKUP, id, null, Trigger.API, null, ProgressListener.NONE);
    }

    public static CopyRequest latest(@Nullable String database, StorageAdapter target) {
        return new CopyRequest(target, Selection.LATEST, null, database, Trigger.API, null, ProgressListener.NONE);
    }

    public static CopyRequest all(@Nullable String database, StorageAdapter target) {
        return new CopyRequest(target, Selection.ALL, null, database, Trigger.API, null, ProgressListener.NONE);
    }

    /** This request, recording who asked in the audit events. */
    public CopyRequest by(Trigger trigger, @Nullable String actor) {
        return new CopyRequest(target, selection, backupId, database, trigger, actor, progress);
    }

    /** This request, reporting the bytes copied (phase {@link Progress#COPYING}) to {@code listener}. */
    public CopyRequest withProgress(ProgressListener listener) {
        return new CopyRequest(target, selection, backupId, database, trigger, actor, listener);
    }
}
