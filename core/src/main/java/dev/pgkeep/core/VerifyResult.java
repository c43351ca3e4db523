package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a verification. A failed verification raises {@link IntegrityException} instead, so a returned
 * result is always a good one.
 *
 * @param archiveEntries number of entries {@code pg_restore --list} reported
 * @param tablesCompared tables whose row counts matched in the restore test, {@code null} without a restore test
 */
public record VerifyResult(
        BackupId backupId,
        String method,
        int archiveEntries,
        @Nullable Integer tablesCompared,
        long durationMs) {}
