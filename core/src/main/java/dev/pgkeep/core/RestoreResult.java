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
 * @param warnings what the restore found worth telling (a backup taken at a schema version this application's
 *     migrations do not know)
 */
public record RestoreResult(
        @Nullable BackupId backupId,
        String targetDatabase,
        boolean created,
        long durationMs,
        long archiveBytes,
        @Nullable BackupId safetyBackupId,
        int restoredEntries,
        List<String> leftOut,
        List<String> warnings) {
    public RestoreResult {
        leftOut = List.copyOf(leftOut);
        warnings = List.copyOf(warnings);
    }
}
