package dev.pgkeep.spring.web;

import dev.pgkeep.core.RestoreResult;
import org.jspecify.annotations.Nullable;

/**
 * A finished restore.
 *
 * @param backupId the restored backup; {@code null} for an uploaded archive
 * @param safetyBackupId the pre-restore backup of the target, when one was taken
 */
public record RestoreView(
        @Nullable String backupId,
        String targetDatabase,
        boolean created,
        long durationMs,
        long archiveBytes,
        @Nullable String safetyBackupId) {

    public static RestoreView of(RestoreResult r) {
        return new RestoreView(
                r.backupId() == null ? null : r.backupId().value(),
                r.targetDatabase(),
                r.created(),
                r.durationMs(),
                r.archiveBytes(),
                r.safetyBackupId() == null ? null : r.safetyBackupId().value());
    }
}
