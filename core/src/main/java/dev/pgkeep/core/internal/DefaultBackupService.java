package dev.pgkeep.core.internal;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.internal.archive.ArchiveStaging;
import dev.pgkeep.core.internal.archive.DatabaseProperties;
import dev.pgkeep.core.internal.archive.DumpChecks;
import dev.pgkeep.core.internal.archive.DumpStream;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.core.internal.repository.ManifestJson;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.internal.repository.RetentionPlan;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupEvent.Phase;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link BackupService}: orchestrates pg_dump/pg_restore, the storage layout, manifests and audit events. */
public final class DefaultBackupService implements BackupService {
    private static final Logger log = LoggerFactory.getLogger(DefaultBackupService.class);
    static final String TOOL_NAME = "pgkeep";
    static final String TOOL_VERSION = toolVersion();

    private final @Nullable DatabaseConnection database;
    private final StorageAdapter storage;
    private final Encryptor encryptor;
    private final Codec codec;
    private final List<AuditSink> sinks;
    private final PgTools tools;
    private final BackupLock lock;
    private final Clock clock;
    private final Duration incompleteWriteGrace;
    private final ArchiveStaging staging;

    public DefaultBackupService(
            @Nullable DatabaseConnection database,
            StorageAdapter storage,
            Encryptor encryptor,
            Codec codec,
            List<AuditSink> sinks,
            PgTools tools,
            BackupLock lock,
            Path tempDirectory,
            Clock clock,
            Duration incompleteWriteGrace,
            long maxDecodedArchiveBytes) {
        this.database = database;
        this.storage = storage;
        this.encryptor = encryptor;
        this.codec = codec;
        this.sinks = List.copyOf(sinks);
        this.tools = tools;
        this.lock = lock;
        this.clock = clock;
        this.incompleteWriteGrace = incompleteWriteGrace;
        this.staging = new ArchiveStaging(storage, encryptor, tools, tempDirectory, maxDecodedArchiveBytes);
    }

    // ---------------------------------------------------------------- backup

    @Override
    public BackupResult backup(BackupRequest request) {
        DatabaseConnection db = request.database() != null ? request.database() : database;
        if (db == null) {
            throw new BadInputException("No database to back up: give --db URL (or PGKEEP_DB), or configure a default"
                    + " database on the BackupService.");
        }
        EventContext ctx = new EventContext(
                Operation.BACKUP, db.database(), request.trigger(), request.actor(), request.clientAddress());
        return ctx.run(() -> {
            String serverVersion = connect(db);
            Optional<BackupLock.Lease> lease = lock.tryAcquire(db);
            if (lease.isEmpty()) {
                throw new BackupInProgressException(db.database());
            }
            try (BackupLock.Lease held = lease.get()) {
                BackupManifest manifest = runBackup(db, serverVersion, request, ctx);
                ctx.manifest = manifest;
                ctx.backupId = manifest.id().value();
                ctx.storedBytes = manifest.storedBytes();
                ctx.dumpBytes = manifest.dumpBytes();
                log.info(
                        "Backup {} of {} stored: {} bytes ({} before compression) in {} ms",
                        manifest.id(),
                        db.database(),
                        manifest.storedBytes(),
                        manifest.dumpBytes(),
                        manifest.durationMs());
                return new BackupResult(manifest);
            }
        });
    }

    /** Connects once (through psql) to learn the server version, with libpq's own message when that fails. */
    private String connect(DatabaseConnection db) {
        try {
            return tools.serverVersion(db);
        } catch (PgkeepException e) {
            throw new PgkeepException(
                    "Cannot back up database '" + db.database() + "': " + e.getMessage() + hintFor(e.getMessage()), e);
        }
    }

    /** The tools of the server's own major, else the nearest newer one; fails naming every version found. */
    private PgTools toolsForServer(DatabaseConnection db, String serverVersion) {
        return tools.forServer(
                PgTools.major(serverVersion), "PostgreSQL " + serverVersion + " (" + db.describe() + ")");
    }

    private BackupManifest runBackup(
            DatabaseConnection db, String serverVersion, BackupRequest request, EventContext ctx) {
        PgTools dumpTools = toolsForServer(db, serverVersion);
        String pgDump = dumpTools.program("pg_dump");
        String pgDumpVersion = dumpTools.installation().version();
        removeIncompleteWrites();

        Instant started = clock.instant();
        BackupId id = BackupId.generate(started);
        ctx.backupId = id.value();
        String dumpObject = RepositoryLayout.DUMP_BASE + codec.fileSuffix() + encryptor.fileSuffix();
        String dumpKey = RepositoryLayout.dumpKey(db.database(), id, dumpObject);

        List<String> command = List.of(pgDump, "--format=custom", "--compress=0", "--no-password");
        RunningProcess pgDumpProcess;
        try {
            pgDumpProcess = dumpTools.runner().start(command, db.libpqEnvironment(), null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start pg_dump (" + pgDump + "): " + e.getMessage(), e);
        }
        PgTools.StreamCollector stderr =
                PgTools.StreamCollector.start(pgDumpProcess.stderr(), 16 * 1024, "pg_dump-stderr");
        DumpStream.Outcome outcome;
        BackupManifest.Proof proof;
        try (StorageAdapter.PendingObject object = storage.create(dumpKey);
                DumpChecks checks = new DumpChecks(dumpTools)) {
            try {
                pgDumpProcess.stdin().close();
                outcome = DumpStream.run(pgDumpProcess, codec, encryptor, object.output(), checks);
                int exit = pgDumpProcess.waitFor();
                if (exit != 0) {
                    throw new PgkeepException("pg_dump of " + db.describe() + " failed (exit code " + exit + "): "
                            + PgTools.tail(stderr.text()) + hintFor(stderr.text()));
                }
            } catch (IOException e) {
                pgDumpProcess.kill();
                String said = stderr.text().strip();
                throw new PgkeepException(
                        "Backup of " + db.describe() + " failed while streaming to "
                                + storage.describe() + ": " + e.getMessage()
                                + (said.isEmpty() ? "" : "; pg_dump said: " + PgTools.tail(said)),
                        e);
            }
            proof = checks.prove(db, outcome.dumpBytes());
            object.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the backup of " + db.describe() + " in " + storage.describe() + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            pgDumpProcess.kill();
            Thread.currentThread().interrupt();
            throw new PgkeepException("Backup of " + db.describe() + " was interrupted; nothing was stored.", e);
        } finally {
            if (pgDumpProcess.isAlive()) {
                pgDumpProcess.kill();
            }
        }

        Instant completed = clock.instant();
        BackupManifest manifest = new BackupManifest(
                BackupManifest.FORMAT_VERSION,
                id,
                db.database(),
                request.label(),
                request.trigger(),
                started,
                completed,
                Duration.between(started, completed).toMillis(),
                serverVersion,
                pgDumpVersion,
                pgDump,
                "custom",
                new BackupManifest.Compression(codec.name(), codec.level()),
                encryptor.describe(),
                dumpObject,
                outcome.dumpBytes(),
                outcome.storedBytes(),
                outcome.sha256(),
                outcome.inspector().tables(),
                proof,
                new BackupManifest.Tool(TOOL_NAME, TOOL_VERSION),
                null);
        writeManifest(manifest);
        return manifest;
    }

    private static String hintFor(@Nullable String stderr) {
        if (stderr == null) {
            return "";
        }
        if (stderr.contains("password authentication failed") || stderr.contains("no password supplied")) {
            return "\nCheck the user and password (PGPASSWORD, ~/.pgpass or the password in the URL).";
        }
        if (stderr.contains("does not exist")) {
            return "\nCheck the database name in --db / PGKEEP_DB.";
        }
        if (stderr.contains("server version") && stderr.contains("aborting because of server version mismatch")) {
            return "\nInstall pg_dump of the server's major version or newer.";
        }
        return "";
    }

    private void writeManifest(BackupManifest manifest) {
        String key = RepositoryLayout.manifestKey(manifest.database(), manifest.id());
        try (StorageAdapter.PendingObject object = storage.create(key)) {
            object.output().write(ManifestJson.write(manifest));
            object.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the manifest of backup " + manifest.id() + " in " + storage.describe() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private int removeIncompleteWrites() {
        try {
            return storage.removeIncompleteWrites(incompleteWriteGrace);
        } catch (IOException e) {
            log.warn("Could not remove leftovers of interrupted writes in {}: {}", storage.describe(), e.getMessage());
            return 0;
        }
    }

    // ---------------------------------------------------------------- restore

    @Override
    public RestoreResult restore(RestoreRequest request) {
        DatabaseConnection target = request.target();
        EventContext ctx = new EventContext(
                Operation.RESTORE, target.database(), request.trigger(), request.actor(), request.clientAddress());
        if (request.source() instanceof RestoreSource.ById byId) {
            ctx.backupId = byId.id().value();
        }
        return ctx.run(() -> runRestore(request, ctx));
    }

    private RestoreResult runRestore(RestoreRequest request, EventContext ctx) {
        DatabaseConnection target = request.target();
        String targetName = target.database();
        if (request.production() && !targetName.equals(request.confirm())) {
            throw new SafetyGuardException("This is a production environment (PGKEEP_ENV=production /"
                    + " pgkeep.environment): restoring into '" + targetName + "' needs --confirm " + targetName
                    + " (\"confirm\": \"" + targetName + "\" over HTTP). Nothing was changed.");
        }
        @Nullable BackupManifest manifest = resolveSource(request.source(), targetName);
        if (manifest != null) {
            ctx.backupId = manifest.id().value();
            ctx.manifest = manifest;
        }
        Instant started = clock.instant();
        TargetState state = inspectTarget(target);
        if (request.createDatabase() && state.exists()) {
            throw new BadInputException("Database '" + targetName + "' already exists; restore into it without"
                    + " --create (it then needs --force if it holds tables), or choose a new name.");
        }
        if (!request.createDatabase() && !state.exists()) {
            throw new BadInputException("Database '" + targetName + "' does not exist on " + target.describe()
                    + "; add --create to create it.");
        }
        if (state.userTables() > 0 && !request.force()) {
            throw new SafetyGuardException("Database '" + targetName + "' holds " + state.userTables()
                    + " user table(s); restoring replaces their contents. Add --force (\"force\": true over HTTP)"
                    + " to restore over it. Nothing was changed.");
        }

        try (ArchiveStaging.Staged archive = manifest != null
                ? staging.stageStored(manifest, request.jobs() > 1)
                : staging.stageFile(((RestoreSource.LocalFile) request.source()).path())) {
            ctx.storedBytes = archive.storedBytes();
            ArchiveStaging.RestoreTarget restoreTarget = restoreTarget(target, state.serverVersion(), archive);
            BackupId safetyId = null;
            if (state.userTables() > 0 && request.safetyBackup()) {
                log.info("Taking a safety backup of {} before restoring over it", targetName);
                BackupResult safety = backup(new BackupRequest(
                        target, "pre-restore", request.trigger(), request.actor(), request.clientAddress()));
                safetyId = safety.id();
            }
            boolean created = false;
            if (request.createDatabase()) {
                createDatabase(
                        target, archive.databaseProperties(), restoreTarget.serverMajor(), !request.noPrivileges());
                created = true;
            }
            try {
                archive.restoreInto(restoreTarget, restoreOptions(request, created));
            } catch (RuntimeException e) {
                if (created) {
                    dropDatabaseQuietly(target);
                }
                throw e;
            }
            long duration = Duration.between(started, clock.instant()).toMillis();
            log.info(
                    "Restored {} into {} in {} ms",
                    manifest != null ? manifest.id() : archive.describe(),
                    targetName,
                    duration);
            return new RestoreResult(
                    manifest != null ? manifest.id() : null,
                    targetName,
                    created,
                    duration,
                    archive.storedBytes(),
                    safetyId);
        }
    }

    /**
     * The tools for restoring {@code archive} into a server of {@code serverVersion}: of its major, else the nearest
     * newer, and never older than the pg_dump that wrote the archive (pg_restore reads no newer archive versions).
     */
    private ArchiveStaging.RestoreTarget restoreTarget(
            DatabaseConnection target, String serverVersion, ArchiveStaging.Staged archive) {
        int serverMajor = PgTools.major(serverVersion);
        int needed = Math.max(serverMajor, archive.dumpMajor());
        String forWhat = "PostgreSQL " + serverVersion + " (" + target.describe() + ")"
                + (needed > serverMajor ? " and an archive written by pg_dump " + archive.dumpMajor() : "");
        return new ArchiveStaging.RestoreTarget(target, tools.forServer(needed, forWhat), serverMajor);
    }

    private List<String> restoreOptions(RestoreRequest request, boolean created) {
        List<String> options = new ArrayList<>();
        if (!created) {
            options.add("--clean");
            options.add("--if-exists");
        }
        if (request.jobs() > 1) {
            options.add("--jobs=" + request.jobs());
        }
        if (request.singleTransaction()) {
            options.add("--single-transaction");
        }
        if (request.noOwner()) {
            options.add("--no-owner");
        }
        if (request.noPrivileges()) {
            options.add("--no-privileges");
        }
        return options;
    }

    private @Nullable BackupManifest resolveSource(RestoreSource source, String targetName) {
        if (source instanceof RestoreSource.ById byId) {
            return get(byId.id())
                    .orElseThrow(() -> new BackupNotFoundException("No backup " + byId.id() + " in "
                            + storage.describe() + "; run 'pgkeep list' to see the backups there."));
        }
        if (source instanceof RestoreSource.Latest latest) {
            String db = latest.database() != null ? latest.database() : defaultSourceDatabase(targetName);
            List<BackupManifest> backups = list(db);
            return backups.stream()
                    .filter(DefaultBackupService::good)
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "No good backup of database '" + db + "' in " + storage.describe() + "."));
        }
        return null;
    }

    private String defaultSourceDatabase(String targetName) {
        TreeSet<String> databases = new TreeSet<>();
        for (BackupManifest m : list(null)) {
            databases.add(m.database());
        }
        if (databases.size() == 1) {
            return databases.first();
        }
        if (databases.contains(targetName)) {
            return targetName;
        }
        if (databases.isEmpty()) {
            throw new BackupNotFoundException("The repository " + storage.describe() + " holds no backups.");
        }
        throw new BadInputException("The repository holds backups of several databases " + databases
                + "; say which one with --source NAME.");
    }

    private record TargetState(boolean exists, int userTables, String serverVersion) {}

    private TargetState inspectTarget(DatabaseConnection target) {
        DatabaseConnection maintenance = maintenanceConnection(target);
        String[] existsAndVersion = tools.psqlValue(
                        maintenance,
                        "SELECT count(*), current_setting('server_version') FROM pg_database WHERE datname = "
                                + SqlText.literal(target.database()))
                .split("\t");
        String serverVersion = existsAndVersion.length > 1 ? existsAndVersion[1].strip() : "";
        if ("0".equals(existsAndVersion[0])) {
            return new TargetState(false, 0, serverVersion);
        }
        String tables = tools.psqlValue(
                target,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                        + " c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog',"
                        + " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
        return new TargetState(true, Integer.parseInt(tables), serverVersion);
    }

    private static DatabaseConnection maintenanceConnection(DatabaseConnection target) {
        return target.withDatabase(target.database().equals("postgres") ? "template1" : "postgres");
    }

    private void createDatabase(DatabaseConnection target) {
        tools.psql(
                maintenanceConnection(target),
                "CREATE DATABASE " + SqlText.identifier(target.database()) + " TEMPLATE template0");
    }

    /**
     * Creates the target as pg_restore --create would have created the source: with its encoding and locale, then
     * its settings, comment and (unless {@code privileges} is false) grants. What the target server cannot take is
     * left out with a warning, never failing the restore; a locale it lacks falls back to a plain database.
     */
    private void createDatabase(
            DatabaseConnection target, DatabaseProperties properties, int serverMajor, boolean privileges) {
        if (properties.isEmpty()) {
            createDatabase(target);
            return;
        }
        DatabaseConnection maintenance = maintenanceConnection(target);
        String name = SqlText.identifier(target.database());
        List<String> dropped = new ArrayList<>();
        String create = properties.createStatement(name, serverMajor, dropped);
        if (!dropped.isEmpty()) {
            log.warn("Creating {} without what PostgreSQL {} lacks: {}", target.database(), serverMajor, dropped);
        }
        try {
            tools.psql(maintenance, create);
        } catch (PgkeepException e) {
            log.warn(
                    "Could not create {} with the source's encoding and locale ({}): {}; creating it with the server's"
                            + " defaults",
                    target.database(),
                    create,
                    e.getMessage());
            createDatabase(target);
        }
        for (String statement : properties.statementsFor(name, privileges)) {
            try {
                tools.psql(maintenance, statement);
            } catch (PgkeepException e) {
                log.warn(
                        "Could not apply the source database's {} to {}: {}",
                        statement,
                        target.database(),
                        e.getMessage());
            }
        }
    }

    private void dropDatabaseQuietly(DatabaseConnection target) {
        try {
            tools.psql(
                    maintenanceConnection(target),
                    "DROP DATABASE IF EXISTS " + SqlText.identifier(target.database()) + " WITH (FORCE)");
        } catch (PgkeepException e) {
            log.warn("Could not drop the half-restored database {}: {}", target.database(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- list, get

    @Override
    public List<BackupManifest> list(@Nullable String databaseName) {
        String prefix = databaseName == null ? "" : RepositoryLayout.databaseSegment(databaseName) + "/";
        List<BackupManifest> manifests = new ArrayList<>();
        for (ObjectInfo info : listObjects(prefix)) {
            if (info.key().endsWith("/" + RepositoryLayout.MANIFEST)
                    && RepositoryLayout.idOf(info.key()).isPresent()) {
                readManifest(info.key()).ifPresent(manifests::add);
            }
        }
        manifests.sort(NEWEST_FIRST);
        return manifests;
    }

    /** By start time (ids of the same second would otherwise sort by their random suffix), then by id. */
    private static final Comparator<BackupManifest> NEWEST_FIRST = Comparator.comparing(BackupManifest::startedAt)
            .thenComparing(BackupManifest::id)
            .reversed();

    @Override
    public Optional<BackupManifest> get(BackupId id) {
        for (ObjectInfo info : listObjects("")) {
            if (info.key().endsWith("/" + id.value() + "/" + RepositoryLayout.MANIFEST)) {
                return readManifest(info.key());
            }
        }
        return Optional.empty();
    }

    private BackupManifest require(BackupId id) {
        return get(id).orElseThrow(() -> new BackupNotFoundException(
                "No backup " + id + " in " + storage.describe() + "; run 'pgkeep list' to see the backups there."));
    }

    private List<ObjectInfo> listObjects(String prefix) {
        try {
            return storage.list(prefix);
        } catch (IOException e) {
            throw new PgkeepException("Cannot list the repository " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private Optional<BackupManifest> readManifest(String key) {
        try (InputStream in = storage.read(key)) {
            return Optional.of(ManifestJson.read(in.readAllBytes(), key));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while listing
        } catch (IOException e) {
            throw new PgkeepException("Cannot read " + key + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private static boolean good(BackupManifest m) {
        return m.verification() == null || m.verification().ok();
    }

    // ---------------------------------------------------------------- verify

    @Override
    public VerifyResult verify(VerifyRequest request) {
        EventContext ctx =
                new EventContext(Operation.VERIFY, null, request.trigger(), request.actor(), request.clientAddress());
        return ctx.run(() -> {
            BackupManifest manifest = resolveSource(request.source(), "");
            if (manifest == null) {
                throw new BadInputException("verify checks stored backups; give a backup id or --latest.");
            }
            ctx.database = manifest.database();
            ctx.backupId = manifest.id().value();
            ctx.manifest = manifest;
            ctx.storedBytes = manifest.storedBytes();
            Instant started = clock.instant();
            String method = request.restoreTest() ? "restore-test" : "checksum+list";
            try {
                int entries;
                Integer compared = null;
                try (ArchiveStaging.Staged archive = staging.stageStored(manifest, false)) {
                    entries = archive.checkArchive(manifest.tables());
                    if (request.restoreTest()) {
                        DatabaseConnection server = request.scratchServer();
                        if (server == null) {
                            throw new BadInputException("A restore test needs a server: give --db URL.");
                        }
                        compared = restoreTest(manifest, archive, server);
                    }
                }
                recordVerification(manifest, method, true, null);
                return new VerifyResult(
                        manifest.id(),
                        method,
                        entries,
                        compared,
                        Duration.between(started, clock.instant()).toMillis());
            } catch (IntegrityException e) {
                recordVerification(manifest, method, false, e.getMessage());
                throw e;
            }
        });
    }

    private int restoreTest(BackupManifest manifest, ArchiveStaging.Staged archive, DatabaseConnection server) {
        String scratchName =
                "pgkeep_verify_" + manifest.id().value().toLowerCase().replace('-', '_');
        DatabaseConnection scratch = server.withDatabase(scratchName);
        ArchiveStaging.RestoreTarget restoreTarget =
                restoreTarget(scratch, tools.serverVersion(maintenanceConnection(scratch)), archive);
        dropDatabaseQuietly(scratch);
        createDatabase(scratch, archive.databaseProperties(), restoreTarget.serverMajor(), false);
        try {
            archive.restoreInto(restoreTarget, List.of("--no-owner", "--no-privileges"));
            List<BackupManifest.TableRows> expected = manifest.tables();
            if (expected == null || expected.isEmpty()) {
                return 0;
            }
            StringBuilder sql = new StringBuilder();
            for (BackupManifest.TableRows t : expected) {
                if (sql.length() > 0) {
                    sql.append(" UNION ALL ");
                }
                sql.append("SELECT ")
                        .append(SqlText.literal(t.schema() + "." + t.name()))
                        .append(", count(*) FROM ONLY ")
                        .append(SqlText.identifier(t.schema()))
                        .append('.')
                        .append(SqlText.identifier(t.name()));
            }
            Map<String, Long> actual = new LinkedHashMap<>();
            for (String line : tools.psql(scratch, sql.toString()).stdout().split("\n")) {
                int tab = line.lastIndexOf('\t');
                if (tab > 0) {
                    actual.put(
                            line.substring(0, tab),
                            Long.parseLong(line.substring(tab + 1).strip()));
                }
            }
            // an extension's configuration table (PostGIS's spatial_ref_sys) starts with the extension's own rows;
            // the archive holds only those a user added, so it must at least have those
            Set<String> extensionConfig =
                    new HashSet<>(List.of(tools.psql(scratch, """
                            SELECT n.nspname || '.' || c.relname
                            FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS config(oid)
                            JOIN pg_class c ON c.oid = config.oid JOIN pg_namespace n ON n.oid = c.relnamespace
                            """).stdout().split("\n")));
            List<String> mismatches = new ArrayList<>();
            for (BackupManifest.TableRows t : expected) {
                Long rows = actual.get(t.schema() + "." + t.name());
                boolean config = extensionConfig.contains(t.schema() + "." + t.name());
                if (rows == null || (config ? rows < t.rows() : rows != t.rows())) {
                    mismatches.add(t.schema() + "." + t.name() + ": manifest " + t.rows() + ", restored " + rows);
                }
            }
            if (!mismatches.isEmpty()) {
                throw new IntegrityException("Restore test of backup " + manifest.id() + " found other row counts"
                        + " than the manifest: " + String.join("; ", mismatches));
            }
            return expected.size();
        } finally {
            dropDatabaseQuietly(scratch);
        }
    }

    private void recordVerification(BackupManifest manifest, String method, boolean ok, @Nullable String detail) {
        try {
            writeManifest(
                    manifest.withVerification(new BackupManifest.Verification(clock.instant(), method, ok, detail)));
        } catch (PgkeepException e) {
            log.warn("Could not record the verification of {}: {}", manifest.id(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- prune, delete

    @Override
    public PruneResult prune(RetentionPolicy policy, boolean dryRun, Trigger trigger, @Nullable String actor) {
        return prune(policy, dryRun, new EventContext(Operation.PRUNE, null, trigger, actor, null));
    }

    private PruneResult prune(RetentionPolicy policy, boolean dryRun, EventContext ctx) {
        return ctx.run(() -> {
            Map<String, List<BackupManifest>> byDatabase = new LinkedHashMap<>();
            for (BackupManifest m : list(null)) {
                byDatabase.computeIfAbsent(m.database(), k -> new ArrayList<>()).add(m);
            }
            Instant cutoff = clock.instant().minus(Duration.ofDays(policy.keepDays()));
            List<BackupManifest> deleted = new ArrayList<>();
            List<BackupManifest> kept = new ArrayList<>();
            for (List<BackupManifest> backups : byDatabase.values()) {
                RetentionPlan.apply(backups, policy, cutoff, kept, deleted);
            }
            int incomplete = 0;
            if (!dryRun) {
                for (BackupManifest m : deleted) {
                    deleteObjects(m);
                }
                incomplete = removeIncompleteWrites() + removeOrphans();
            }
            ctx.count = deleted.size();
            return new PruneResult(dryRun, deleted, kept, incomplete);
        });
    }

    /** Dump objects whose manifest was never written (a run killed between the two) and old enough to be dead. */
    private int removeOrphans() {
        Map<String, List<ObjectInfo>> byBackup = new LinkedHashMap<>();
        for (ObjectInfo info : listObjects("")) {
            if (RepositoryLayout.idOf(info.key()).isPresent()) {
                byBackup.computeIfAbsent(RepositoryLayout.prefixOf(info.key()), k -> new ArrayList<>())
                        .add(info);
            }
        }
        Instant deadline = clock.instant().minus(incompleteWriteGrace);
        int removed = 0;
        for (List<ObjectInfo> objects : byBackup.values()) {
            boolean hasManifest = objects.stream().anyMatch(o -> o.key().endsWith("/" + RepositoryLayout.MANIFEST));
            boolean old = objects.stream().allMatch(o -> !o.lastModified().isAfter(deadline));
            if (!hasManifest && old) {
                for (ObjectInfo o : objects) {
                    try {
                        storage.delete(o.key());
                        removed++;
                    } catch (IOException e) {
                        log.warn("Could not remove orphaned {}: {}", o.key(), e.getMessage());
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public void delete(BackupId id, Trigger trigger, @Nullable String actor, @Nullable String clientAddress) {
        EventContext ctx = new EventContext(Operation.DELETE, null, trigger, actor, clientAddress);
        ctx.backupId = id.value();
        ctx.run(() -> {
            BackupManifest manifest = require(id);
            ctx.database = manifest.database();
            ctx.manifest = manifest;
            deleteObjects(manifest);
            return null;
        });
    }

    private void deleteObjects(BackupManifest m) {
        try {
            // the manifest first: a half-deleted backup is then an orphan, never a listed backup without data
            storage.delete(RepositoryLayout.manifestKey(m.database(), m.id()));
            for (ObjectInfo info : storage.list(RepositoryLayout.backupPrefix(m.database(), m.id()))) {
                storage.delete(info.key());
            }
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot delete backup " + m.id() + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<DatabaseConnection> defaultDatabase() {
        return Optional.ofNullable(database);
    }

    @Override
    public PostgresTools tools(@Nullable DatabaseConnection server) {
        return tools.report(server);
    }

    public StorageAdapter storage() {
        return storage;
    }

    // ---------------------------------------------------------------- audit

    /** Emits STARTED, then SUCCEEDED or FAILED, for one operation; collects what the events carry. */
    private final class EventContext {
        final Operation operation;

        @Nullable
        String database;

        final Trigger trigger;
        final @Nullable String actor;
        final @Nullable String clientAddress;

        @Nullable
        String backupId;

        @Nullable
        Long storedBytes;

        @Nullable
        Long dumpBytes;

        @Nullable
        Integer count;

        @Nullable
        BackupManifest manifest;

        EventContext(
                Operation operation,
                @Nullable String database,
                Trigger trigger,
                @Nullable String actor,
                @Nullable String clientAddress) {
            this.operation = operation;
            this.database = database;
            this.trigger = trigger;
            this.actor = actor;
            this.clientAddress = clientAddress;
        }

        <T> T run(Supplier<T> body) {
            Instant started = clock.instant();
            emit(Phase.STARTED, null, null, null);
            try {
                T result = body.get();
                emit(Phase.SUCCEEDED, Duration.between(started, clock.instant()).toMillis(), null, null);
                return result;
            } catch (UncheckedIOException e) {
                PgkeepException wrapped = new PgkeepException(e.getMessage(), e);
                fail(started, wrapped);
                throw wrapped;
            } catch (RuntimeException e) {
                fail(started, e);
                throw e;
            }
        }

        private void fail(Instant started, RuntimeException e) {
            emit(
                    Phase.FAILED,
                    Duration.between(started, clock.instant()).toMillis(),
                    String.valueOf(e.getMessage()),
                    errorCode(e));
        }

        private void emit(Phase phase, @Nullable Long durationMs, @Nullable String error, @Nullable String code) {
            BackupEvent event = new BackupEvent(
                    operation,
                    phase,
                    clock.instant(),
                    database,
                    backupId,
                    trigger,
                    actor,
                    clientAddress,
                    durationMs,
                    phase == Phase.STARTED ? null : storedBytes,
                    phase == Phase.STARTED ? null : dumpBytes,
                    phase == Phase.SUCCEEDED ? count : null,
                    error,
                    phase == Phase.STARTED ? null : manifest,
                    code);
            for (AuditSink sink : sinks) {
                try {
                    sink.onEvent(event);
                } catch (RuntimeException e) {
                    log.warn("Audit sink {} failed on {}: {}", sink.getClass().getName(), event.type(), e.toString());
                }
            }
        }
    }

    private static String errorCode(RuntimeException e) {
        if (e instanceof BackupInProgressException) {
            return BackupEvent.ERROR_IN_PROGRESS;
        }
        if (!(e instanceof PgkeepException pe)) {
            return BackupEvent.ERROR_FAILED;
        }
        return switch (pe.kind()) {
            case FAILED -> BackupEvent.ERROR_FAILED;
            case BAD_INPUT -> BackupEvent.ERROR_BAD_INPUT;
            case REFUSED -> BackupEvent.ERROR_REFUSED;
            case INTEGRITY -> BackupEvent.ERROR_INTEGRITY;
        };
    }

    private static String toolVersion() {
        String v = DefaultBackupService.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
