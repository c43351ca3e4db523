package dev.pgkeep.spring.web;

import dev.pgkeep.core.RestoreResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finished restore.
 *
 * @param backupId the restored backup; {@code null} for an uploaded archive
 * @param safetyBackupId the pre-restore backup of the target, when one was taken
 * @param leftOut for a selective restore into a new database, what needed objects outside the selection
 * @param warnings e.g. a backup taken at a schema version this application's migrations do not know
 */
public record RestoreView(
        @Nullable String backupId,
        String targetDatabase,
        boolean created,
        long durationMs,
        long archiveBytes,
        @Nullable String safetyBackupId,
        List<String> leftOut,
        List<String> warnings) {

    public static RestoreView of(RestoreResult r) {
        return new RestoreView(
                r.backupId() == null ? null : r.backupId().value(),
                r.targetDatabase(),
                r.created(),
                r.durationMs(),
                r.archiveBytes(),
                r.safetyBackupId() == null ? null : r.safetyBackupId().value(),
                r.leftOut(),
                r.warnings());
    }
}
