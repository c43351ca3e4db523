package dev.pgkeep.core;

import dev.pgkeep.core.internal.DefaultBackupService;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.PostgresAdvisoryLock;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Configures a {@link BackupService}. Only {@link #storage} is required. */
public final class BackupServiceBuilder {
    private @Nullable DatabaseConnection database;
    private @Nullable StorageAdapter storage;
    private Encryptor encryptor = Encryptor.NONE;
    private Codec codec = Codec.defaultCodec();
    private final List<AuditSink> auditSinks = new ArrayList<>();
    private ProcessRunner processRunner = ProcessRunner.local();
    private List<Path> toolsDirectories = List.of();
    private @Nullable BackupLock lock;
    private @Nullable Path tempDirectory;
    private int backupJobs = 1;
    private Clock clock = Clock.systemUTC();
    private ApplicationInfo applicationInfo = ApplicationInfo.NONE;
    private Duration incompleteWriteGrace = Duration.ofHours(24);
    private long maxDecodedArchiveBytes = Long.MAX_VALUE;
    private Duration lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT;
    private final List<String> excludedSchemas = new ArrayList<>();
    private @Nullable ManifestSigner manifestSigner;
    private @Nullable ManifestVerifier manifestVerifier;

    /**
     * How long pg_dump waits for a table lock by default: long enough for a migration or a {@code VACUUM FULL} of a
     * mid-sized table to finish, short enough that a scheduled backup blocked by a forgotten lock fails (and alerts)
     * well before the next one is due.
     */
    public static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofMinutes(5);

    BackupServiceBuilder() {}

    /** The database backed up when a request names none. */
    public BackupServiceBuilder database(@Nullable DatabaseConnection value) {
        this.database = value;
        return this;
    }

    public BackupServiceBuilder storage(StorageAdapter value) {
        this.storage = Objects.requireNonNull(value, "storage");
        return this;
    }

    /** Encrypts new backups and decrypts encrypted ones on restore; default none. */
    public BackupServiceBuilder encryptor(Encryptor value) {
        this.encryptor = Objects.requireNonNull(value, "encryptor");
        return this;
    }

    /** Compression for new backups; default zstd level {@value Codec#DEFAULT_ZSTD_LEVEL}. */
    public BackupServiceBuilder codec(Codec value) {
        this.codec = Objects.requireNonNull(value, "codec");
        return this;
    }

    /** Adds a sink for audit events; may be called several times. */
    public BackupServiceBuilder auditSink(AuditSink value) {
        this.auditSinks.add(Objects.requireNonNull(value, "auditSink"));
        return this;
    }

    public BackupServiceBuilder processRunner(ProcessRunner value) {
        this.processRunner = Objects.requireNonNull(value, "processRunner");
        return this;
    }

    /**
     * Where pg_dump, pg_restore and psql live: one folder, or {@code null} for the default, which is the folders in
     * {@code PGKEEP_PG_BIN} (separated by {@code :}), else every standard place ({@code /usr/lib/postgresql/<major>/bin},
     * {@code /usr/pgsql-<major>/bin}, Homebrew's {@code postgresql@<major>}, {@code PATH}). For each server pgkeep
     * uses the tools of its major, else of the nearest newer major.
     */
    public BackupServiceBuilder toolsDirectory(@Nullable Path value) {
        this.toolsDirectories = value == null ? List.of() : List.of(value);
        return this;
    }

    /** Several tools folders, e.g. one per installed PostgreSQL major; empty for the default (see above). */
    public BackupServiceBuilder toolsDirectories(List<Path> value) {
        this.toolsDirectories = List.copyOf(value);
        return this;
    }

    /** Default: a PostgreSQL advisory lock on the database being backed up. */
    public BackupServiceBuilder lock(BackupLock value) {
        this.lock = Objects.requireNonNull(value, "lock");
        return this;
    }

    /**
     * Parallel pg_dump jobs of a backup whose request does not say ({@link BackupRequest#jobs} 0). Default 1: one
     * custom-format archive. With 2 or more, {@code pg_dump --format=directory --jobs=N} writes into a spool folder in
     * the {@linkplain #tempDirectory temp folder}, which needs room for the largest tables being dumped at once
     * (uncompressed), and each of its files is stored as an object of its own.
     */
    public BackupServiceBuilder backupJobs(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("backupJobs must be at least 1, got " + value);
        }
        this.backupJobs = value;
        return this;
    }

    /** Where restores stage archives (parallel restore, downloads) and parallel backups spool pg_dump's files. Default: {@code java.io.tmpdir}. */
    public BackupServiceBuilder tempDirectory(@Nullable Path value) {
        this.tempDirectory = value;
        return this;
    }

    /**
     * What the host application knows about itself and its schema (name, version, Flyway/Liquibase state): recorded
     * in every manifest and checked before restores. Default: nothing.
     */
    public BackupServiceBuilder applicationInfo(ApplicationInfo value) {
        this.applicationInfo = Objects.requireNonNull(value, "applicationInfo");
        return this;
    }

    public BackupServiceBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /**
     * How old leftovers of interrupted writes (temporary files, open multipart uploads, dumps without a manifest)
     * must be before backups and prune remove them; long enough that no running backup is disturbed. Default 24 h.
     */
    public BackupServiceBuilder incompleteWriteGracePeriod(Duration value) {
        this.incompleteWriteGrace = Objects.requireNonNull(value, "incompleteWriteGracePeriod");
        return this;
    }

    /**
     * Upper bound on what a local archive file ({@link RestoreSource.LocalFile}, e.g. an HTTP upload) may expand to
     * when decompressed; guards against decompression bombs. Default: unlimited.
     */
    public BackupServiceBuilder maxDecodedArchiveBytes(long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("maxDecodedArchiveBytes must be positive");
        }
        this.maxDecodedArchiveBytes = value;
        return this;
    }

    /**
     * How long pg_dump waits for the shared lock on each table ({@code pg_dump --lock-wait-timeout}) before the backup
     * fails; a table held in ACCESS EXCLUSIVE mode (ALTER TABLE, VACUUM FULL, TRUNCATE) would otherwise block it, and
     * whoever waits for it, forever. {@link Duration#ZERO} waits without limit. Default
     * {@link #DEFAULT_LOCK_WAIT_TIMEOUT}.
     */
    public BackupServiceBuilder lockWaitTimeout(Duration value) {
        Objects.requireNonNull(value, "lockWaitTimeout");
        if (value.isNegative()) {
            throw new BadInputException("The lock wait timeout must not be negative; use 0 to wait without limit.");
        }
        if (!value.isZero() && value.toMillis() == 0) {
            throw new BadInputException("The lock wait timeout must be at least 1 ms (or 0 to wait without limit).");
        }
        this.lockWaitTimeout = value;
        return this;
    }

    /**
     * Leaves these schemas out of every backup ({@code pg_dump --exclude-schema}) and out of every restore: entries of
     * these schemas in an archive made before they were excluded are filtered from pg_restore's list, so a
     * {@code --clean} restore neither drops nor rolls them back. For state that must outlive a restore of the database
     * it lives in (a job engine's tables). Names are exact schema names, not patterns. Default: none.
     *
     * @throws BadInputException when a name is blank or not a PostgreSQL identifier (at most 63 bytes, no control
     *     characters)
     */
    public BackupServiceBuilder excludeSchemas(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        for (String name : names) {
            if (name == null
                    || name.isBlank()
                    || name.getBytes(StandardCharsets.UTF_8).length > 63
                    || name.codePoints().anyMatch(Character::isISOControl)) {
                throw new BadInputException("A schema to leave out of backups must be a PostgreSQL schema name (1 to"
                        + " 63 bytes, no control characters), got '" + name + "'.");
            }
            if (!excludedSchemas.contains(name)) {
                excludedSchemas.add(name);
            }
        }
        return this;
    }

    /**
     * Signs every backup this service writes ({@code manifest.sig} beside the manifest, written before it); e.g.
     * {@code OpenPgpManifestSigner} from pgkeep-crypto-gpg. Default: backups are not signed.
     */
    public BackupServiceBuilder manifestSigner(@Nullable ManifestSigner value) {
        this.manifestSigner = value;
        return this;
    }

    /**
     * Requires a valid signature by a trusted key on every stored backup restored or verified: an unsigned backup, or
     * one signed by another key or whose dump or checksum changed, is refused ({@link IntegrityException}) before
     * anything is downloaded or changed. Default: signatures are not checked. Archive files restored directly
     * ({@link RestoreSource.LocalFile}) have no manifest and are not covered.
     */
    public BackupServiceBuilder manifestVerifier(@Nullable ManifestVerifier value) {
        this.manifestVerifier = value;
        return this;
    }

    public BackupService build() {
        if (storage == null) {
            throw new IllegalStateException("BackupService needs a storage adapter: call storage(...)");
        }
        PgTools tools = PgTools.locate(toolsDirectories, processRunner);
        BackupLock effectiveLock = lock != null ? lock : new PostgresAdvisoryLock(tools);
        Path temp = tempDirectory != null ? tempDirectory : Path.of(System.getProperty("java.io.tmpdir"));
        return new DefaultBackupService(
                database,
                storage,
                encryptor,
                codec,
                List.copyOf(auditSinks),
                tools,
                effectiveLock,
                temp,
                clock,
                incompleteWriteGrace,
                maxDecodedArchiveBytes,
                applicationInfo,
                lockWaitTimeout,
                manifestSigner,
                manifestVerifier,
                excludedSchemas,
                backupJobs);
    }
}
