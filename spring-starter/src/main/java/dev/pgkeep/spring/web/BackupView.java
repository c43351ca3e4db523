package dev.pgkeep.spring.web;

import dev.pgkeep.core.BackupManifest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A backup's manifest as the admin endpoints show it: the manifest's fields with ids and times as plain strings
 * (ISO-8601), so the JSON shape does not depend on the host's Jackson settings.
 */
public record BackupView(
        String id,
        String database,
        @Nullable String label,
        String trigger,
        String startedAt,
        String completedAt,
        long durationMs,
        @Nullable String server,
        @Nullable String pgDumpVersion,
        @Nullable String pgDumpPath,
        String format,
        BackupManifest.Compression compression,
        BackupManifest.@Nullable Encryption encryption,
        long dumpBytes,
        long storedBytes,
        String sha256,
        @Nullable List<BackupManifest.TableRows> tables,
        BackupManifest.@Nullable Proof proof,
        BackupManifest.Tool tool,
        @Nullable Verification verification) {

    /** The last verification of the backup. */
    public record Verification(
            String at, String method, boolean ok, @Nullable String detail) {}

    public static BackupView of(BackupManifest m) {
        BackupManifest.Verification v = m.verification();
        return new BackupView(
                m.id().value(),
                m.database(),
                m.label(),
                m.trigger().wireName(),
                m.startedAt().toString(),
                m.completedAt().toString(),
                m.durationMs(),
                m.server(),
                m.pgDumpVersion(),
                m.pgDumpPath(),
                m.format(),
                m.compression(),
                m.encryption(),
                m.dumpBytes(),
                m.storedBytes(),
                m.sha256(),
                m.tables(),
                m.proof(),
                m.tool(),
                v == null ? null : new Verification(v.at().toString(), v.method(), v.ok(), v.detail()));
    }
}
