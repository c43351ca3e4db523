package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * A finished restore.
 *
 * @param backupId the restored backup; {@code null} for a local file
 * @param safetyBackupId the pre-restore backup of the target, when one was taken
 */
public record RestoreResult(
        @Nullable BackupId backupId,
        String targetDatabase,
        boolean created,
        long durationMs,
        long archiveBytes,
        @Nullable BackupId safetyBackupId) {}
