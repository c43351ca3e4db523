package dev.pgkeep.core;

import java.util.List;

/**
 * What a copy did, per selected backup.
 *
 * @param target where the copies went, for messages (no credentials)
 * @param copied backups now in the target that were not before
 * @param alreadyPresent backups the target already held, with the same checksum (nothing was written)
 * @param failed backups that could not be copied; nothing of them is listed in the target
 * @param bytesCopied bytes written to the target
 */
public record CopyResult(
        String target,
        List<BackupManifest> copied,
        List<BackupManifest> alreadyPresent,
        List<Failure> failed,
        long bytesCopied) {
    public CopyResult {
        copied = List.copyOf(copied);
        alreadyPresent = List.copyOf(alreadyPresent);
        failed = List.copyOf(failed);
    }

    /** Whether every selected backup is now in the target. */
    public boolean complete() {
        return failed.isEmpty();
    }

    /** One backup that was not copied, and why. */
    public record Failure(BackupId id, String database, ErrorKind kind, String message) {}
}
