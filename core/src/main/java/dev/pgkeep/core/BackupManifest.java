package dev.pgkeep.core;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What pgkeep knows about one stored backup; stored next to the dump as {@code manifest.json}, written last, so a
 * backup exists exactly when its manifest does.
 *
 * @param formatVersion manifest format, currently {@value #FORMAT_VERSION}
 * @param dumpObject the stored dump's file name inside the backup folder, e.g. {@code dump.pgc.zst}
 * @param dumpBytes size of the pg_dump archive before compression and encryption
 * @param storedBytes size of the stored object
 * @param sha256 hex SHA-256 of the stored object
 * @param tables row counts per table as pg_dump wrote them; {@code null} when the archive could not be inspected
 */
public record BackupManifest(
        int formatVersion,
        BackupId id,
        String database,
        @Nullable String label,
        Trigger trigger,
        Instant startedAt,
        Instant completedAt,
        long durationMs,
        @Nullable String server,
        @Nullable String pgDumpVersion,
        String format,
        Compression compression,
        @Nullable Encryption encryption,
        String dumpObject,
        long dumpBytes,
        long storedBytes,
        String sha256,
        @Nullable List<TableRows> tables,
        Tool tool,
        @Nullable Verification verification) {

    public static final int FORMAT_VERSION = 1;

    public BackupManifest {
        tables = tables == null ? null : List.copyOf(tables);
    }

    /** Codec and level used to compress the archive. */
    public record Compression(String codec, int level) {}

    /**
     * How the stored object is encrypted.
     *
     * @param type e.g. {@code openpgp}
     * @param recipients fingerprints of the keys that can decrypt it
     */
    public record Encryption(String type, List<String> recipients) {
        public Encryption {
            recipients = List.copyOf(recipients);
        }
    }

    /** Rows of one table in the archive. */
    public record TableRows(String schema, String name, long rows) {}

    /** The program that wrote the backup. */
    public record Tool(String name, String version) {}

    /**
     * The last verification of the stored backup.
     *
     * @param method {@code checksum+list} or {@code restore-test}
     */
    public record Verification(
            Instant at, String method, boolean ok, @Nullable String detail) {}

    public BackupManifest withVerification(Verification newVerification) {
        return new BackupManifest(
                formatVersion,
                id,
                database,
                label,
                trigger,
                startedAt,
                completedAt,
                durationMs,
                server,
                pgDumpVersion,
                format,
                compression,
                encryption,
                dumpObject,
                dumpBytes,
                storedBytes,
                sha256,
                tables,
                tool,
                newVerification);
    }

    public boolean encrypted() {
        return encryption != null;
    }
}
