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
import dev.pgkeep.spring.jobs.PgkeepJobs;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.PatternMatchUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * pgkeep's admin endpoints under {@code pgkeep.admin.base-path} (default {@code /admin/db}). Long operations answer
 * 202 with a job and a {@code Location} to poll; errors are RFC 9457 problem details ({@link PgkeepProblemAdvice}).
 * Every request is checked before Spring MVC sees it ({@link AdminRequestGuard}); each handler makes sure of it first.
 * Restores go only to configured databases and to names {@code pgkeep.restore.allowed-targets} matches.
 */
@RestController
@RequestMapping("${pgkeep.admin.base-path:/admin/db}")
public class PgkeepAdminController {

    private final BackupService service;
    private final PgkeepDatabases databases;
    private final JobEngine jobs;
    private final PgkeepJobs local;
    private final AdminSettings settings;
    private final UploadStaging uploads;
    private final AdminRequestGuard guard;
    private final UploadPermits permits;

    public PgkeepAdminController(
            BackupService service,
            PgkeepDatabases databases,
            PgkeepJobs jobs,
            AdminSettings settings,
            AdminRequestGuard guard,
            UploadPermits permits) {
        this(service, databases, jobs, jobs, settings, guard, permits);
    }

    /**
     * @param engine runs backups, restores of stored backups and verifications, on every instance when it is shared
     * @param local runs restores of uploaded archives, which exist only on the instance that received them
     */
    public PgkeepAdminController(
            BackupService service,
            PgkeepDatabases databases,
            JobEngine engine,
            PgkeepJobs local,
            AdminSettings settings,
            AdminRequestGuard guard,
            UploadPermits permits) {
        this.service = service;
        this.databases = databases;
        this.jobs = engine;
        this.local = local;
        engine.bind(this::work);
        local.bind(this::work);
        this.settings = settings;
        this.uploads = new UploadStaging(settings.maxUploadBytes());
        this.guard = guard;
        this.permits = permits;
    }

    /** Body of {@code POST /backup}; every field optional. */
    public record BackupBody(
            @Nullable String database, @Nullable String label) {}

    /**
     * Body of {@code POST /restore} (JSON): restore a stored backup; with {@code tables} ({@code SCHEMA.NAME}) or
     * {@code schemas}, only those and what belongs to them.
     */
    public record RestoreBody(
            @Nullable String backupId,
            @Nullable String targetDatabase,
            @Nullable String confirm,
            @Nullable Boolean force,
            @Nullable Boolean create,
            @Nullable List<String> tables,
            @Nullable List<String> schemas) {}

    /** Body of {@code POST /backups/{id}/verify}; every field optional. */
    public record VerifyBody(@Nullable Boolean restoreTest) {}

    @PostMapping("/backup")
    public ResponseEntity<JobView> backup(
            @RequestBody(required = false) @Nullable BackupBody body, HttpServletRequest http) {
        guard.requireChecked(http);
        DatabaseConnection db = database(body == null ? null : body.database());
        Job job = jobs.submit(
                JobSpec.backup(db.database(), body == null ? null : body.label(), actor(http), http.getRemoteAddr()));
        return accepted(job, http, "backup", db.database());
    }

    @PostMapping(path = "/restore", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JobView> restore(@RequestBody RestoreBody body, HttpServletRequest http) {
        guard.requireChecked(http);
        if (body.backupId() == null || body.backupId().isBlank()) {
            throw new BadInputException("Give the backupId to restore (GET " + settings.basePath()
                    + "/backups lists them), or upload an archive as multipart/form-data field 'file'.");
        }
        BackupId id = BackupId.parse(body.backupId());
        BackupManifest manifest = service.get(id).orElseThrow(() -> notFound(id));
        String targetName = body.targetDatabase() != null ? body.targetDatabase() : manifest.database();
        JobSpec spec = new JobSpec(
                "restore",
                targetName,
                "restore:" + targetName,
                id.value(),
                null,
                body.confirm(),
                Boolean.TRUE.equals(body.force()),
                Boolean.TRUE.equals(body.create()),
                body.tables(),
                body.schemas(),
                false,
                actor(http),
                http.getRemoteAddr());
        // what the job will do is checked here, so that a bad request is answered at once and queues nothing
        restoreRequest(spec);
        // an upload restore of the same target runs on the instance that received it
        local.requireFree("restore", targetName, "restore:" + targetName);
        Job job = jobs.submit(spec);
        return accepted(job, http, "restore", targetName);
    }

    /**
     * The work a job's spec describes, on whichever instance runs it (with a shared engine, maybe not the one that
     * accepted it): requests are built again from the spec, against this instance's configuration.
     */
    private Callable<?> work(JobSpec spec) {
        switch (spec.type()) {
            case "backup":
                return () -> {
                    BackupRequest request = BackupRequest.of(database(spec.database()), Trigger.API)
                            .withLabel(spec.label())
                            .withActor(spec.actor(), spec.clientAddress());
                    return BackupView.of(service.backup(request).manifest());
                };
            case "restore":
                return () -> RestoreView.of(service.restore(restoreRequest(spec)));
            case "verify":
                return () -> {
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
                    return VerifyView.of(service.verify(request));
                };
            default:
                throw new IllegalArgumentException("Unknown pgkeep job type '" + spec.type() + "'");
        }
    }

    private RestoreRequest restoreRequest(JobSpec spec) {
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
        return request.build();
    }

    /**
     * Form fields (multipart) or query parameters (raw body) of an upload restore.
     *
     * @param targetDatabase default the main database
     */
    public record UploadOptions(
            @Nullable String targetDatabase,
            @Nullable String confirm,
            @Nullable Boolean force,
            @Nullable Boolean create) {}

    @PostMapping(path = "/restore", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<JobView> restoreUpload(
            @RequestPart("file") MultipartFile file, @ModelAttribute UploadOptions options, HttpServletRequest http)
            throws IOException {
        guard.requireChecked(http);
        uploads.requireAtMost(file.getSize());
        try (InputStream in = file.getInputStream()) {
            return restoreStream(in, options, http);
        }
    }

    /** The same as the multipart upload, for clients that send the archive as the raw request body. */
    @PostMapping(path = "/restore", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<JobView> restoreRawUpload(@ModelAttribute UploadOptions options, HttpServletRequest http)
            throws IOException {
        guard.requireChecked(http);
        uploads.requireAtMost(http.getContentLengthLong());
        return restoreStream(http.getInputStream(), options, http);
    }

    private ResponseEntity<JobView> restoreStream(InputStream in, UploadOptions options, HttpServletRequest http)
            throws IOException {
        String targetDatabase = options.targetDatabase();
        String targetName =
                targetDatabase != null ? targetDatabase : databases.primary().database();
        DatabaseConnection target = restoreTarget(targetName);
        jobs.requireFree("restore", targetName, "restore:" + targetName);
        local.requireFree("restore", targetName, "restore:" + targetName);
        UploadPermits.Permit permit = permits.of(http);
        Path upload;
        try {
            upload = Files.createTempFile(settings.tempDirectory(), "pgkeep-upload-", ".archive");
        } catch (IOException | RuntimeException e) {
            permit.release();
            throw e;
        }
        boolean handedOver = false;
        try {
            uploads.receive(in, upload);
            RestoreRequest request = restoreRequest(
                            RestoreSource.file(upload), target, options.force(), options.confirm(), options.create())
                    .actor(actor(http), http.getRemoteAddr())
                    .build();
            Job job = local.submit(
                    "restore",
                    targetName,
                    "restore:" + targetName,
                    () -> RestoreView.of(service.restore(request)),
                    () -> {
                        permit.release();
                        deleteQuietly(upload);
                    });
            handedOver = true;
            permit.handOver();
            return accepted(job, http, "restore (upload)", targetName);
        } finally {
            if (!handedOver) {
                permit.release();
                deleteQuietly(upload);
            }
        }
    }

    @GetMapping("/backups")
    public List<BackupView> list(@RequestParam(required = false) @Nullable String database, HttpServletRequest http) {
        guard.requireChecked(http);
        if (database != null) {
            requireDatabaseName(database);
        }
        return service.list(database).stream().map(BackupView::of).toList();
    }

    @GetMapping("/backups/{id}")
    public BackupView get(@PathVariable String id, HttpServletRequest http) {
        guard.requireChecked(http);
        BackupId backupId = BackupId.parse(id);
        return service.get(backupId).map(BackupView::of).orElseThrow(() -> notFound(backupId));
    }

    @PostMapping("/backups/{id}/verify")
    public ResponseEntity<JobView> verify(
            @PathVariable String id,
            @RequestBody(required = false) @Nullable VerifyBody body,
            HttpServletRequest http) {
        guard.requireChecked(http);
        BackupId backupId = BackupId.parse(id);
        BackupManifest manifest = service.get(backupId).orElseThrow(() -> notFound(backupId));
        boolean restoreTest = body != null && Boolean.TRUE.equals(body.restoreTest());
        Job job = jobs.submit(
                JobSpec.verify(manifest.database(), backupId.value(), restoreTest, actor(http), http.getRemoteAddr()));
        return accepted(job, http, "verify " + id, manifest.database());
    }

    @DeleteMapping("/backups/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id, HttpServletRequest http) {
        guard.requireChecked(http);
        BackupId backupId = BackupId.parse(id);
        service.delete(backupId, Trigger.API, actor(http), http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/jobs/{jobId}")
    public JobView job(@PathVariable String jobId, HttpServletRequest http) {
        guard.requireChecked(http);
        return jobs.find(jobId)
                .or(() -> jobs == local ? Optional.empty() : local.find(jobId))
                .map(JobView::of)
                .orElseThrow(() -> new JobNotFoundException("No job '" + printable(jobId) + "': it never existed, or"
                        + " it finished longer ago than pgkeep.jobs.keep-finished-for."));
    }

    /**
     * A configured database, else one on the main database's server whose name {@code pgkeep.restore.allowed-targets}
     * matches; anything else (another application's database on the same server) is refused. PostgreSQL's own
     * databases are refused by core for every front end.
     */
    private DatabaseConnection restoreTarget(String name) {
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

    private static void requireDatabaseName(String name) {
        if (name.isBlank()
                || name.getBytes(StandardCharsets.UTF_8).length > 63
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new BadInputException("'" + printable(name) + "' is not a database name PostgreSQL accepts: 1 to"
                    + " 63 bytes, no control characters.");
        }
    }

    private RestoreRequest.Builder restoreRequest(
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

    private DatabaseConnection database(@Nullable String name) {
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

    private ResponseEntity<JobView> accepted(Job job, HttpServletRequest http, String what, String database) {
        URI location = ServletUriComponentsBuilder.fromContextPath(http)
                .path(settings.basePath())
                .path("/jobs/{id}")
                .buildAndExpand(job.id())
                .toUri();
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(location).body(JobView.of(job));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the uploaded archive " + file, e);
        }
    }

    private BackupNotFoundException notFound(BackupId id) {
        return new BackupNotFoundException(
                "No backup '" + id + "' in the repository; GET " + settings.basePath() + "/backups lists them.");
    }

    private static @Nullable String actor(HttpServletRequest http) {
        Principal p = http.getUserPrincipal();
        return p == null ? null : p.getName();
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
