package dev.pgkeep.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What retention removed (or would remove, on a dry run).
 *
 * @param deleted the backups retention removed (would remove), per database newest first
 * @param kept the backups it keeps, per database newest first
 * @param keptBy for every kept backup, the rules that keep it (never empty)
 * @param incompleteRemoved leftovers of interrupted writes that were cleaned up
 * @param skipped keys of manifests that could not be read (see {@link BackupListing}); their backups are neither
 *     counted nor deleted
 */
public record PruneResult(
        boolean dryRun,
        List<BackupManifest> deleted,
        List<BackupManifest> kept,
        Map<BackupId, Set<RetentionRule>> keptBy,
        int incompleteRemoved,
        List<String> skipped) {
    public PruneResult {
        deleted = List.copyOf(deleted);
        kept = List.copyOf(kept);
        skipped = List.copyOf(skipped);
        Map<BackupId, Set<RetentionRule>> copy = new LinkedHashMap<>();
        keptBy.forEach((id, rules) -> copy.put(id, Collections.unmodifiableSet(EnumSet.copyOf(rules))));
        keptBy = Collections.unmodifiableMap(copy);
    }

    /** The rules that keep {@code backup}, in {@link RetentionRule} order; empty when retention deletes it. */
    public Set<RetentionRule> rulesKeeping(BackupManifest backup) {
        return keptBy.getOrDefault(backup.id(), Set.of());
    }
}
