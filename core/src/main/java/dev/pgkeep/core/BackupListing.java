package dev.pgkeep.core;

import java.util.List;

/**
 * The backups of a repository as listed, with what could not be listed: a manifest that is unreadable, of a newer
 * format than this pgkeep understands, or stored under a key that is not its own is skipped (with a warning in the
 * log) instead of failing the whole listing; nothing skipped is ever deleted by prune.
 *
 * @param backups the backups, newest first
 * @param skipped the storage keys of the manifests that were skipped, sorted
 */
public record BackupListing(List<BackupManifest> backups, List<String> skipped) {
    public BackupListing {
        backups = List.copyOf(backups);
        skipped = List.copyOf(skipped);
    }
}
