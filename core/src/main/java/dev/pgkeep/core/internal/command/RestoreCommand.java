package dev.pgkeep.core.internal.command;

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
import dev.pgkeep.core.internal.archive.StagedArchive;
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
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restore}: guards first (production confirmation, an existing or missing target, user tables without force),
 * then the archive is staged and proven intact, the tools are chosen for the target server, a safety backup is taken
 * when restoring over tables, the target is created like the source when asked, and pg_restore runs. A database
 * pgkeep created is dropped again when the restore fails.
 */
public final class RestoreCommand {
    private static final Logger log = LoggerFactory.getLogger(RestoreCommand.class);

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
        if (request.createDatabase() && state.exists()) {
            throw new BadInputException("Database '" + targetName + "' already exists.")
                    .withRemedy(PgkeepException.Remedy.DO_NOT_CREATE, targetName);
        }
        if (!request.createDatabase() && !state.exists()) {
            throw new BadInputException("Database '" + targetName + "' does not exist on " + target.describe() + ".")
                    .withRemedy(PgkeepException.Remedy.CREATE, targetName);
        }
        if (state.userTables() > 0 && !request.force()) {
            throw new SafetyGuardException("Database '" + targetName + "' holds " + state.userTables()
                            + " user table(s); restoring replaces their contents. Nothing was changed.")
                    .withRemedy(PgkeepException.Remedy.FORCE, targetName);
        }

        BackupLock.@Nullable Lease backupLock = null;
        if (state.exists()) {
            backupLock = c.lock().tryAcquire(target).orElseThrow(() -> BackupInProgressException.backupOf(targetName));
        }
        try (StagedArchive archive = manifest != null
                ? c.staging().stageStored(manifest, request.jobs() > 1)
                : c.staging().stageFile(((RestoreSource.LocalFile) request.source()).path())) {
            run.storedBytes = archive.storedBytes();
            RestoreTarget restoreTarget = restoreTarget(c.tools(), target, state.serverVersion(), archive);
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
                createLikeSource(c.targets(), target, archive, restoreTarget.serverMajor(), !request.noPrivileges());
                created = true;
                backupLock = c.lock().tryAcquire(target).orElse(null);
            }
            int jobs = request.jobs();
            if (jobs > 1 && !archive.parallelRestoreSafe()) {
                log.warn(
                        "Restoring {} with one job instead of {}: it holds a NOT VALID domain constraint, which"
                                + " pg_restore --jobs may add before the rows it must not check are loaded",
                        archive.describe(),
                        jobs);
                jobs = 1;
            }
            try {
                archive.restoreInto(restoreTarget, options(request, created, jobs));
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
                    safetyId);
        } finally {
            if (backupLock != null) {
                backupLock.close();
            }
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
     * target server accepts), then its settings, comment and, with {@code privileges}, its grants.
     */
    static void createLikeSource(
            TargetDatabases targets,
            DatabaseConnection target,
            StagedArchive archive,
            int serverMajor,
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
        targets.create(target, create, properties.statementsFor(name, privileges));
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
