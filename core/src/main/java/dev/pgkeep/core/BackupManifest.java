package dev.pgkeep.core;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What pgkeep knows about one stored backup; stored next to the dump as {@code manifest.json}, written last, so a
 * backup exists exactly when its manifest does.
 *
 * @param formatVersion manifest format: {@value #SINGLE_FORMAT_VERSION} for a single-object backup,
 *     {@value #FORMAT_VERSION} for a {@value #DIRECTORY} one (so a pgkeep too old to read it refuses it clearly)
 * @param format {@value #CUSTOM}: one pg_dump custom-format archive; {@value #DIRECTORY}: pg_dump's directory format,
 *     one stored object per file ({@code objects})
 * @param dumpObject the stored dump's file name inside the backup folder, e.g. {@code dump.pgc.zst}; of a directory
 *     backup its table of contents' object, e.g. {@code dump.d.toc.dat.zst}
 * @param dumpBytes size of the pg_dump archive before compression and encryption (of every file together)
 * @param storedBytes size of the stored object (of every object together)
 * @param sha256 hex SHA-256 of the stored object; of a directory backup the SHA-256 of its canonical object listing
 *     ({@link #objectListing}), so that a signature over it covers every object
 * @param pgDumpVersion version of the pg_dump that wrote the archive, e.g. {@code 17.12}
 * @param pgDumpPath the pg_dump program used (chosen per server major, see {@link PostgresTools})
 * @param tables row counts per table as pg_dump wrote them; {@code null} when the archive could not be inspected
 * @param proof how the archive was proven readable before this manifest was written; {@code null} in manifests of
 *     pgkeep versions that did not record it
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
        @Nullable String pgDumpPath,
        String format,
        Compression compression,
        @Nullable Encryption encryption,
        String dumpObject,
        long dumpBytes,
        long storedBytes,
        String sha256,
        @Nullable List<TableRows> tables,
        @Nullable Proof proof,
        Tool tool,
        @Nullable Application application,
        @Nullable Verification verification,
        @Nullable List<StoredObject> objects) {

    /** The newest manifest format this pgkeep reads and writes (directory backups). */
    public static final int FORMAT_VERSION = 2;

    /** The format of single-object backups, which every pgkeep version reads. */
    public static final int SINGLE_FORMAT_VERSION = 1;

    public static final String CUSTOM = "custom";
    public static final String DIRECTORY = "directory";

    public BackupManifest {
        tables = tables == null ? null : List.copyOf(tables);
        objects = objects == null ? null : List.copyOf(objects);
    }

    /** A single-object backup's manifest (no {@code objects}). */
    public BackupManifest(
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
            @Nullable String pgDumpPath,
            String format,
            Compression compression,
            @Nullable Encryption encryption,
            String dumpObject,
            long dumpBytes,
            long storedBytes,
            String sha256,
            @Nullable List<TableRows> tables,
            @Nullable Proof proof,
            Tool tool,
            @Nullable Application application,
            @Nullable Verification verification) {
        this(
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
                pgDumpPath,
                format,
                compression,
                encryption,
                dumpObject,
                dumpBytes,
                storedBytes,
                sha256,
                tables,
                proof,
                tool,
                application,
                verification,
                null);
    }

    /** Whether the backup is pg_dump's directory format, stored as one object per file. */
    public boolean directory() {
        return DIRECTORY.equals(format);
    }

    /**
     * One stored object of a directory backup.
     *
     * @param name the object's name inside the backup folder, e.g. {@code dump.d.3352.dat.zst.pgp}
     * @param file the pg_dump file it holds, e.g. {@code 3352.dat}
     * @param dumpBytes the file's size as pg_dump wrote it
     * @param storedBytes the stored object's size
     * @param sha256 hex SHA-256 of the stored object
     */
    public record StoredObject(String name, String file, long dumpBytes, long storedBytes, String sha256) {}

    /**
     * The canonical listing of a directory backup's objects whose SHA-256 is its {@link #sha256}: one line per object,
     * sorted by name, {@code <sha256> <storedBytes> <name>}, each ending in a line feed (UTF-8).
     */
    public static byte[] objectListing(List<StoredObject> objects) {
        StringBuilder text = new StringBuilder();
        objects.stream()
                .sorted(java.util.Comparator.comparing(StoredObject::name))
                .forEach(o -> text.append(o.sha256())
                        .append(' ')
                        .append(o.storedBytes())
                        .append(' ')
                        .append(o.name())
                        .append('\n'));
        return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The hex SHA-256 of {@link #objectListing}: a directory backup's {@link #sha256}, written and checked alike. */
    public static String objectListingSha256(List<StoredObject> objects) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(objectListing(objects)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /**
     * What a {@linkplain dev.pgkeep.core.spi.ManifestSigner signed backup}'s signature covers: the fields that say
     * which bytes are the backup, one per line (UTF-8, each line ending in a line feed):
     *
     * <pre>
     * pgkeep signed backup v1
     * id: 20261125T020000Z-7f3a0c1d2e3f
     * database: shop            (a backslash, line feed or carriage return in the name as \\, \n, \r)
     * format: custom
     * dumpObject: dump.pgc.zst.pgp
     * dumpBytes: 1234
     * storedBytes: 567
     * sha256: 3a7b...
     * </pre>
     *
     * The rest of the manifest (row counts, timings, a later verification result) is not covered, so recording a
     * verification does not need the signing key. Anyone can rebuild it from the manifest and check it with
     * {@code gpg --verify manifest.sig statement.txt}.
     */
    public byte[] signedStatement() {
        String text = "pgkeep signed backup v1\n"
                + "id: " + id.value() + "\n"
                // escaped so that no name can add a line of its own
                + "database: "
                + database.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                + "\n"
                + "format: " + format + "\n"
                + "dumpObject: " + dumpObject + "\n"
                + "dumpBytes: " + dumpBytes + "\n"
                + "storedBytes: " + storedBytes + "\n"
                + "sha256: " + sha256 + "\n";
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

    /**
     * How the archive was proven readable when it was written.
     *
     * @param method {@value #INSPECTOR}: pgkeep's archive inspector read the table of contents and found every data
     *     block (row counts come from it), and {@code pg_restore --list} read the table of contents; otherwise the
     *     inspector could not read the archive (see {@code detail}), the manifest carries no row counts, and
     *     pg_restore alone vouches for it: {@value #PG_RESTORE_READ} when it read every data block
     *     ({@code pg_restore --file=/dev/null}), {@value #PG_RESTORE_LIST} when it read the table of contents
     * @param detail why the inspector could not read the archive; {@code null} with {@value #INSPECTOR}
     */
    public record Proof(String method, @Nullable String detail) {
        public static final String INSPECTOR = "archive-inspector";
        public static final String PG_RESTORE_READ = "pg_restore-read";
        public static final String PG_RESTORE_LIST = "pg_restore-list";
    }

    /** The program that wrote the backup. */
    public record Tool(String name, String version) {}

    /**
     * The application the backup belongs to, when the host told pgkeep (the Spring Boot starter does).
     *
     * @param name e.g. {@code spring.application.name}
     * @param version the application's build version
     * @param schema the database's schema version when the backup was taken
     */
    public record Application(
            @Nullable String name,
            @Nullable String version,
            @Nullable SchemaVersion schema) {}

    /**
     * A schema version as a migration tool records it.
     *
     * @param tool {@code flyway} or {@code liquibase}
     * @param version Flyway's current version; Liquibase's last changeset as {@code id::author::file}
     */
    public record SchemaVersion(
            String tool, String version, @Nullable String description) {}

    /**
     * The last verification of the stored backup.
     *
     * @param method {@code checksum+list}, {@code restore-test}, or {@code restore-test+checks} when the
     *     application's {@link dev.pgkeep.core.spi.RestoreCheck}s ran on the restored copy
     * @param checks the names of those checks; {@code null} when none ran
     */
    public record Verification(
            Instant at,
            String method,
            boolean ok,
            @Nullable String detail,
            @Nullable List<String> checks) {
        public Verification {
            checks = checks == null ? null : List.copyOf(checks);
        }

        /** A verification without application checks. */
        public Verification(Instant at, String method, boolean ok, @Nullable String detail) {
            this(at, method, ok, detail, null);
        }
    }

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
                pgDumpPath,
                format,
                compression,
                encryption,
                dumpObject,
                dumpBytes,
                storedBytes,
                sha256,
                tables,
                proof,
                tool,
                application,
                newVerification,
                objects);
    }

    /** Whether the backup may be restored: never verified, or verified good (the rule --latest and retention use). */
    public boolean good() {
        return verification == null || verification.ok();
    }

    public boolean encrypted() {
        return encryption != null;
    }
}
