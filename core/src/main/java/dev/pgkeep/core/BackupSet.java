package dev.pgkeep.core;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A whole-server backup: the server's globals (roles, memberships, role settings, tablespaces, as
 * {@code pg_dumpall --globals-only} writes them) and one ordinary backup per database, under one id. Its manifest
 * ({@code .sets/<id>/set.json}) is written last, after every part; it is {@code complete} only when every database was
 * backed up.
 *
 * @param id {@code set-<UTC timestamp>-<random>}
 * @param skipped databases left out on purpose (PostgreSQL's maintenance database {@code postgres})
 */
public record BackupSet(
        int formatVersion,
        String id,
        @Nullable String server,
        Instant startedAt,
        Instant completedAt,
        Globals globals,
        List<Part> databases,
        List<String> skipped,
        boolean complete) {
    public static final int FORMAT_VERSION = 1;

    public BackupSet {
        databases = List.copyOf(databases);
        skipped = List.copyOf(skipped);
    }

    /**
     * The globals object.
     *
     * @param rolePasswords whether the roles' password hashes are in it (only ever in an encrypted repository)
     */
    public record Globals(
            String object,
            long storedBytes,
            String sha256,
            boolean rolePasswords,
            BackupManifest.Compression compression,
            BackupManifest.@Nullable Encryption encryption) {}

    /** One database of the set: its backup, or why there is none. */
    public record Part(
            String database,
            @Nullable BackupId backupId,
            @Nullable String error) {
        public boolean ok() {
            return backupId != null;
        }
    }
}
