package dev.pgkeep.spring.web;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.jobs.Job;
import dev.pgkeep.spring.jobs.JobEngine;
import dev.pgkeep.spring.jobs.JobSpec;
import dev.pgkeep.spring.jobs.JobWork;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.util.PatternMatchUtils;

/**
 * The one way pgkeep's front ends (the admin API, the Actuator endpoint) submit jobs and find them, and the work each
 * job's spec describes on whichever instance runs it: requests are built again from the spec, against that
 * instance's configuration. Restores go only to configured databases and to names {@code
 * pgkeep.restore.allowed-targets} matches.
 */
public final class AdminJobs {
    private final BackupService service;
    private final PgkeepDatabases databases;
    private final JobEngine engine;
    private final AdminSettings settings;

    public AdminJobs(BackupService service, PgkeepDatabases databases, JobEngine engine, AdminSettings settings) {
        this.service = service;
        this.databases = databases;
        this.engine = engine;
        this.settings = settings;
        engine.bind(this::work);
    }

    /** Queues a backup of {@code database}. */
    public Job backup(
            DatabaseConnection database,
            @Nullable String label,
            @Nullable String actor,
            @Nullable String clientAddress) {
        return engine.submit(JobSpec.backup(database.database(), label, actor, clientAddress));
    }

    /** Queues the restore of a stored backup {@code spec} describes, once its request checks out. */
    public Job restore(JobSpec spec) {
        // what the job will do is checked here, so that a bad request is answered at once and queues nothing
        restoreRequest(spec).build();
        return engine.submit(spec);
    }

    /** Queues a verification of {@code backupId}. */
    public Job verify(
            BackupManifest backup, boolean restoreTest, @Nullable String actor, @Nullable String clientAddress) {
        return engine.submit(JobSpec.verify(backup.database(), backup.id().value(), restoreTest, actor, clientAddress));
    }

    /**
     * Runs the restore of an archive on this instance's disk here (other instances cannot read it), its state kept
     * like every other job's.
     */
    public Job restoreHere(RestoreRequest.Builder builder, @Nullable Runnable onDone) {
        RestoreRequest request = builder.build();
        String target = request.target().database();
        JobSpec spec = new JobSpec(
                "restore",
                target,
                restoreKey(target),
                null,
                null,
                null,
                request.force(),
                request.createDatabase(),
                List.of(),
                List.of(),
                false,
                request.actor(),
                request.clientAddress());
        return engine.submitHere(
                spec,
                progress -> RestoreView.of(
                        service.restore(builder.progress(progress).build())),
                onDone);
    }

    /** Fails as a submission would when a restore of {@code target} is queued or running. */
    public void requireNoRestoreOf(String target) {
        engine.requireFree("restore", target, restoreKey(target));
    }

    public Optional<Job> find(String id) {
        return engine.find(id);
    }

    static String restoreKey(String target) {
        return "restore:" + target;
    }

    /** What the job {@code spec} describes does; it reports its progress to the engine. */
    private JobWork work(JobSpec spec) {
        switch (spec.type()) {
            case "backup":
                return progress -> {
                    BackupRequest request = BackupRequest.of(database(spec.database()), Trigger.API)
                            .withLabel(spec.label())
                            .withActor(spec.actor(), spec.clientAddress())
                            .withProgress(progress);
                    return BackupView.of(service.backup(request).manifest());
                };
            case "restore":
                return progress -> RestoreView.of(
                        service.restore(restoreRequest(spec).progress(progress).build()));
            case "verify":
                return progress -> {
                    BackupId backupId = BackupId.parse(Objects.requireNonNull(spec.backupId()));
                    BackupManifest manifest = service.get(backupId).orElseThrow(() -> notFound(backupId));
                    VerifyRequest request = new VerifyRequest(
                            new RestoreSource.ById(backupId),
                            spec.restoreTest(),
                            spec.restoreTest()
                                    ? databases.byName(manifest.database()).orElse(databases.primary())
                                    : null,
                            Trigger.API,
                            spec.actor(),
                            spec.clientAddress());
                    return VerifyView.of(service.verify(request.withProgress(progress)));
                };
            default:
                throw new IllegalArgumentException("Unknown pgkeep job type '" + spec.type() + "'");
        }
    }

    private RestoreRequest.Builder restoreRequest(JobSpec spec) {
        String targetName = Objects.requireNonNull(spec.database());
        RestoreRequest.Builder request = restoreRequest(
                        new RestoreSource.ById(BackupId.parse(Objects.requireNonNull(spec.backupId()))),
                        restoreTarget(targetName),
                        spec.force(),
                        spec.confirm(),
                        spec.create())
                .actor(spec.actor(), spec.clientAddress());
        spec.tables().forEach(request::table);
        spec.schemas().forEach(request::schema);
        return request;
    }

    /**
     * A configured database, else one on the main database's server whose name {@code pgkeep.restore.allowed-targets}
     * matches; anything else (another application's database on the same server) is refused. PostgreSQL's own
     * databases are refused by core for every front end.
     */
    DatabaseConnection restoreTarget(String name) {
        requireDatabaseName(name);
        Optional<DatabaseConnection> configured = databases.byName(name);
        if (configured.isPresent()) {
            return configured.get();
        }
        if (settings.allowedTargets().stream().anyMatch(p -> PatternMatchUtils.simpleMatch(p, name))) {
            return databases.primary().withDatabase(name);
        }
        throw new SafetyGuardException("'" + printable(name) + "' is not a restore target: restores go to the"
                + " configured databases "
                + databases.all().stream().map(DatabaseConnection::database).toList()
                + " and to names matching pgkeep.restore.allowed-targets " + settings.allowedTargets()
                + ". Nothing was changed.");
    }

    static void requireDatabaseName(String name) {
        if (name.isBlank()
                || name.getBytes(StandardCharsets.UTF_8).length > 63
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new BadInputException("'" + printable(name) + "' is not a database name PostgreSQL accepts: 1 to"
                    + " 63 bytes, no control characters.");
        }
    }

    RestoreRequest.Builder restoreRequest(
            RestoreSource source,
            DatabaseConnection target,
            @Nullable Boolean force,
            @Nullable String confirm,
            @Nullable Boolean create) {
        return RestoreRequest.builder(source, target)
                .force(Boolean.TRUE.equals(force))
                .confirm(confirm)
                .createDatabase(Boolean.TRUE.equals(create))
                .production(settings.production())
                .safetyBackup(settings.safetyBackup());
    }

    /** A configured database by name, the main one when {@code name} is empty. */
    DatabaseConnection database(@Nullable String name) {
        if (name == null || name.isBlank()) {
            return databases.primary();
        }
        return databases
                .byName(name)
                .orElseThrow(() -> new BadInputException("Database '" + printable(name) + "' is not configured for"
                        + " pgkeep; configured: "
                        + databases.all().stream()
                                .map(DatabaseConnection::database)
                                .toList()
                        + " (add it to pgkeep.databases)."));
    }

    BackupNotFoundException notFound(BackupId id) {
        return new BackupNotFoundException(
                "No backup '" + id + "' in the repository; GET " + settings.basePath() + "/backups lists them.");
    }

    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
