package dev.pgkeep.core;

/** A finished backup: its manifest is stored, so the backup is listed and restorable. */
public record BackupResult(BackupManifest manifest) {
    public BackupId id() {
        return manifest.id();
    }
}
