package dev.pgkeep.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finished restore.
 *
 * @param backupId the restored backup; {@code null} for a local file
 * @param safetyBackupId the pre-restore backup of the target, when one was taken
 * @param restoredEntries for a selective restore, how many archive entries were restored; 0 for a full restore
 * @param leftOut for a selective restore into a new database, the entries that needed objects outside the selection
 *     (a foreign key to a table that was not restored), as {@code DESC schema name (needs ...)}
 */
public record RestoreResult(
        @Nullable BackupId backupId,
        String targetDatabase,
        boolean created,
        long durationMs,
        long archiveBytes,
        @Nullable BackupId safetyBackupId,
        int restoredEntries,
        List<String> leftOut) {
    public RestoreResult {
        leftOut = List.copyOf(leftOut);
    }
}
