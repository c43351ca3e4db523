package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupContents;
import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.internal.archive.DatabaseProperties;
import dev.pgkeep.core.internal.archive.ProgressMeter;
import dev.pgkeep.core.internal.archive.StagedArchive;
import dev.pgkeep.core.internal.archive.TableOfContents;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.RestoreTarget;
import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.core.internal.postgres.TargetDatabases;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restore}: guards first (never PostgreSQL's own or a template database, production confirmation, an existing
 * or missing target, user tables without force), then the archive is staged and proven intact, the guards on the
 * target's state are checked again (staging may take long), the tools are chosen for the target server, a safety backup is taken
 * when restoring over tables, the target is created like the source when asked, and pg_restore runs. A database
 * pgkeep created is dropped again when the restore fails.
 */
public final class RestoreCommand {
    private static final Logger log = LoggerFactory.getLogger(RestoreCommand.class);

    /** PostgreSQL's own databases: never a restore target, whatever the front end. */
    static final Set<String> NEVER_TARGETS = Set.of("template0", "template1", "postgres");

    private final CommandContext c;
    private final BackupCommand backups;

    public RestoreCommand(CommandContext context, BackupCommand backups) {
        this.c = context;
        this.backups = backups;
    }

    public RestoreResult run(RestoreRequest request) {
        DatabaseConnection target = request.target();
        OperationEvents.Run run = c.events()
                .of(Operation.RESTORE, target.database(), request.trigger(), request.actor(), request.clientAddress());
        if (request.source() instanceof RestoreSource.ById byId) {
            run.backupId = byId.id().value();
        }
        return run.around(() -> restore(request, run));
    }

    private RestoreResult restore(RestoreRequest request, OperationEvents.Run run) {
        DatabaseConnection target = request.target();
        String targetName = target.database();
        if (NEVER_TARGETS.contains(targetName)) {
            throw new SafetyGuardException("'" + targetName + "' is PostgreSQL's "
                    + (targetName.equals("postgres") ? "maintenance database" : "template database")
                    + ", which pgkeep never restores into (tools connect to postgres, CREATE DATABASE copies"
                    + " template1); restore into a database of your own. Nothing was changed.");
        }
        if (request.production() && !targetName.equals(request.confirm())) {
            throw new SafetyGuardException("This is a production environment: restoring into '" + targetName
                            + "' needs a confirmation naming the target database. Nothing was changed.")
                    .withRemedy(PgkeepException.Remedy.CONFIRM, targetName);
        }
        @Nullable BackupManifest manifest = c.catalog().resolve(request.source(), targetName);
        if (manifest != null) {
            run.backupId = manifest.id().value();
            run.manifest = manifest;
            c.signatures().check(manifest); // before anything is downloaded or the target is looked at
        }
        Instant started = c.clock().instant();
        BackupLock.Lease restoreLock =
                c.lock().tryAcquireRestore(target).orElseThrow(() -> BackupInProgressException.restoreInto(targetName));
        try (restoreLock) {
            return restoreLocked(request, run, manifest, started);
        }
    }

    /**
     * Under the target's restore lock, so no other restore works on it. An existing target's backup lock is held too,
     * so no backup of it runs meanwhile (it would store it half-restored); the safety backup runs under it.
     */
    private RestoreResult restoreLocked(
            RestoreRequest request, OperationEvents.Run run, @Nullable BackupManifest manifest, Instant started) {
        DatabaseConnection target = request.target();
        String targetName = target.database();
        TargetDatabases.State state = c.targets().inspect(target);
        ProgressMeter meter = ProgressMeter.of(request.progress());
        requireRestorable(request, state);
        List<String> warnings = schemaWarnings(manifest);

        BackupLock.@Nullable Lease backupLock = null;
        if (state.exists()) {
            backupLock = c.lock().tryAcquire(target).orElseThrow(() -> BackupInProgressException.backupOf(targetName));
        }
        int jobs = jobs(request, manifest);
        try (StagedArchive archive = manifest != null
                ? c.staging().stageStored(manifest, jobs > 1, meter)
                : c.staging().stageFile(((RestoreSource.LocalFile) request.source()).path(), meter)) {
            run.storedBytes = archive.storedBytes();
            // staging can take long (a download, an upload's decoding): the target may have changed meanwhile
            state = c.targets().inspect(target);
            requireRestorable(request, state);
            RestoreTarget restoreTarget = restoreTarget(c.tools(), target, state.serverVersion(), archive);
            // a selection names what the archive holds: a wrong name fails here, before anything changed
            TableOfContents.Selection selection = request.selective()
                    ? archive.tableOfContents()
                            .select(
                                    request.tables().stream()
                                            .map(TableOfContents.TableName::parse)
                                            .toList(),
                                    request.schemas(),
                                    request.createDatabase())
                    : null;
            if (selection != null && !selection.leftOut().isEmpty()) {
                log.warn(
                        "Restoring {} without what needs objects outside the selection: {}",
                        targetName,
                        selection.leftOut());
            }
            BackupId safetyId = null;
            if (state.userTables() > 0 && request.safetyBackup()) {
                log.info("Taking a safety backup of {} before restoring over it", targetName);
                safetyId = backups.run(
                                new BackupRequest(
                                        target,
                                        "pre-restore",
                                        request.trigger(),
                                        request.actor(),
                                        request.clientAddress()),
                                backupLock)
                        .id();
            }
            boolean created = false;
            if (request.createDatabase()) {
                createLikeSource(
                        c.targets(),
                        target,
                        archive,
                        restoreTarget.serverMajor(),
                        !request.noOwner(),
                        !request.noPrivileges());
                created = true;
                backupLock = c.lock().tryAcquire(target).orElse(null);
            }
            if (jobs > 1 && !archive.parallelRestoreSafe()) {
                log.warn(
                        "Restoring {} with one job instead of {}: it holds a NOT VALID domain constraint, which"
                                + " pg_restore --jobs may add before the rows it must not check are loaded",
                        archive.describe(),
                        jobs);
                jobs = 1;
            }
            try {
                List<String> options = options(request, created, jobs);
                // the excluded schemas (a job engine's tables) are neither dropped nor rolled back, also when an
                // archive made before they were excluded holds them
                List<Integer> listed = archive.tableOfContents()
                        .without(c.excludedSchemas(), selection == null ? null : selection.ids());
                if (listed != null) {
                    options.add("--use-list=" + archive.useList(listed));
                }
                archive.restoreInto(restoreTarget, options);
            } catch (RuntimeException e) {
                if (created) {
                    if (backupLock != null) {
                        backupLock.close(); // its session must not keep the database it guards from being dropped
                        backupLock = null;
                    }
                    c.targets().dropQuietly(target);
                }
                throw e;
            }
            long duration = Duration.between(started, c.clock().instant()).toMillis();
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
                    safetyId,
                    selection == null ? 0 : selection.ids().size(),
                    selection == null ? List.of() : selection.leftOut(),
                    warnings);
        } finally {
            if (backupLock != null) {
                backupLock.close();
            }
        }
    }

    /**
     * The pg_restore jobs: as asked; unasked, a directory-format backup restores in parallel (restore is usually the
     * urgent operation), a single-file one with one job (more would first decode it to a temp file).
     */
    static int jobs(RestoreRequest request, @Nullable BackupManifest manifest) {
        if (request.jobs() > 0) {
            return request.jobs();
        }
        boolean directory = manifest != null && manifest.directory();
        return directory && !request.singleTransaction() ? RestoreRequest.DEFAULT_DIRECTORY_JOBS : 1;
    }

    /** A backup taken at a schema version the application's migrations do not know was written by newer code. */
    private List<String> schemaWarnings(@Nullable BackupManifest manifest) {
        BackupManifest.Application app = manifest == null ? null : manifest.application();
        BackupManifest.SchemaVersion schema = app == null ? null : app.schema();
        if (schema == null || c.application().knowsSchemaVersion(schema)) {
            return List.of();
        }
        String warning = "Backup " + manifest.id() + " was taken at " + schema.tool() + " schema version "
                + schema.version()
                + (app.version() == null ? "" : " by version " + app.version() + " of the application")
                + ", which this application's migrations do not know: it was written by newer code, and this code may"
                + " not work with the restored schema.";
        log.warn(warning);
        return List.of(warning);
    }

    /** The table of contents of a stored backup or an archive file, with the manifest's row counts. */
    public BackupContents contents(RestoreSource source) {
        @Nullable BackupManifest manifest = c.catalog().resolve(source, "");
        Map<String, Long> rows = new HashMap<>();
        if (manifest != null && manifest.tables() != null) {
            for (BackupManifest.TableRows t : manifest.tables()) {
                rows.put(t.schema() + "." + t.name(), t.rows());
            }
        }
        try (StagedArchive archive = manifest != null
                ? c.staging().stageTableOfContents(manifest)
                : c.staging().stageFile(((RestoreSource.LocalFile) source).path(), ProgressMeter.NONE)) {
            List<BackupContents.Item> items = new ArrayList<>();
            for (TableOfContents.Entry e : archive.tableOfContents().entries()) {
                items.add(new BackupContents.Item(
                        e.desc(),
                        e.namespace(),
                        e.tag(),
                        e.owner(),
                        e.desc().equals("TABLE") ? rows.get(e.namespace() + "." + e.tag()) : null));
            }
            return new BackupContents(manifest == null ? null : manifest.id(), archive.describe(), items);
        }
    }

    /** The guards on the target's state: it exists unless it is to be created, is no template, holds no tables without force. */
    private static void requireRestorable(RestoreRequest request, TargetDatabases.State state) {
        DatabaseConnection target = request.target();
        String targetName = target.database();
        if (request.createDatabase() && state.exists()) {
            throw new BadInputException("Database '" + targetName + "' already exists.")
                    .withRemedy(PgkeepException.Remedy.DO_NOT_CREATE, targetName);
        }
        if (!request.createDatabase() && !state.exists()) {
            throw new BadInputException("Database '" + targetName + "' does not exist on " + target.describe() + ".")
                    .withRemedy(PgkeepException.Remedy.CREATE, targetName);
        }
        if (state.template()) {
            throw new SafetyGuardException("'" + targetName + "' is a template database (datistemplate), which"
                    + " pgkeep never restores into: every database created from it would copy the restored contents."
                    + " Nothing was changed.");
        }
        if (state.userTables() > 0 && !request.force()) {
            throw new SafetyGuardException("Database '" + targetName + "' holds " + state.userTables()
                            + " user table(s); restoring replaces their contents. Nothing was changed.")
                    .withRemedy(PgkeepException.Remedy.FORCE, targetName);
        }
    }

    /**
     * The tools for restoring {@code archive} into a server of {@code serverVersion}: of its major, else the nearest
     * newer, and never older than the pg_dump that wrote the archive (pg_restore reads no newer archive versions).
     */
    static RestoreTarget restoreTarget(
            PgTools tools, DatabaseConnection target, String serverVersion, StagedArchive archive) {
        int serverMajor = PgTools.major(serverVersion);
        int needed = Math.max(serverMajor, archive.dumpMajor());
        String forWhat = "PostgreSQL " + serverVersion + " (" + target.describe() + ")"
                + (needed > serverMajor ? " and an archive written by pg_dump " + archive.dumpMajor() : "");
        return new RestoreTarget(target, tools.forServer(needed, forWhat), serverMajor);
    }

    /**
     * Creates {@code target} as pg_restore --create would have created the source: its encoding and locale (what the
     * target server accepts), then with {@code owner} its owner (when that role exists there; otherwise the connecting
     * role keeps it, with a warning), its settings, comment and, with {@code privileges}, its grants.
     */
    static void createLikeSource(
            TargetDatabases targets,
            DatabaseConnection target,
            StagedArchive archive,
            int serverMajor,
            boolean owner,
            boolean privileges) {
        DatabaseProperties properties = archive.databaseProperties();
        if (properties.isEmpty()) {
            targets.create(target);
            return;
        }
        String name = SqlText.identifier(target.database());
        List<String> dropped = new ArrayList<>();
        String create = properties.createStatement(name, serverMajor, dropped);
        if (!dropped.isEmpty()) {
            log.warn("Creating {} without what PostgreSQL {} lacks: {}", target.database(), serverMajor, dropped);
        }
        List<String> statements = new ArrayList<>(owner ? properties.ownerStatement(name) : List.of());
        statements.addAll(properties.statementsFor(name, privileges));
        targets.create(target, create, statements);
    }

    private static List<String> options(RestoreRequest request, boolean created, int jobs) {
        List<String> options = new ArrayList<>();
        if (!created) {
            options.add("--clean");
            options.add("--if-exists");
        }
        if (jobs > 1) {
            options.add("--jobs=" + jobs);
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
}
