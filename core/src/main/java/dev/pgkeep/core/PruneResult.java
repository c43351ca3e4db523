package dev.pgkeep.core;

import java.util.List;

/**
 * What retention removed (or would remove, on a dry run).
 *
 * @param incompleteRemoved leftovers of interrupted writes that were cleaned up
 * @param skipped keys of manifests that could not be read (see {@link BackupListing}); their backups are neither
 *     counted nor deleted
 */
public record PruneResult(
        boolean dryRun,
        List<BackupManifest> deleted,
        List<BackupManifest> kept,
        int incompleteRemoved,
        List<String> skipped) {
    public PruneResult {
        deleted = List.copyOf(deleted);
        kept = List.copyOf(kept);
        skipped = List.copyOf(skipped);
    }

    public PruneResult(boolean dryRun, List<BackupManifest> deleted, List<BackupManifest> kept, int incompleteRemoved) {
        this(dryRun, deleted, kept, incompleteRemoved, List.of());
    }
}
