package dev.pgkeep.core;

import java.util.List;

/**
 * What retention removed (or would remove, on a dry run).
 *
 * @param incompleteRemoved leftovers of interrupted writes that were cleaned up
 */
public record PruneResult(
        boolean dryRun, List<BackupManifest> deleted, List<BackupManifest> kept, int incompleteRemoved) {
    public PruneResult {
        deleted = List.copyOf(deleted);
        kept = List.copyOf(kept);
    }
}
