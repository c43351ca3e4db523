package dev.pgkeep.spring.web;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.spring.jobs.Job;
import dev.pgkeep.spring.jobs.JobSpec;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
    private final AdminJobs jobs;
    private final AdminSettings settings;
    private final UploadStaging uploads;
    private final AdminRequestGuard guard;
    private final UploadPermits permits;

    /**
     * @param jobs submits every job: backups, restores of stored backups and verifications run on any instance when
     *     the job engine is shared, restores of uploaded archives on this one (the upload is on its disk)
     */
    public PgkeepAdminController(
            BackupService service,
            AdminJobs jobs,
            AdminSettings settings,
            AdminRequestGuard guard,
            UploadPermits permits) {
        this.service = service;
        this.jobs = jobs;
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
        DatabaseConnection db = jobs.database(body == null ? null : body.database());
        Job job = jobs.backup(db, body == null ? null : body.label(), actor(http), http.getRemoteAddr());
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
        BackupManifest manifest = service.get(id).orElseThrow(() -> jobs.notFound(id));
        String targetName = body.targetDatabase() != null ? body.targetDatabase() : manifest.database();
        JobSpec spec = new JobSpec(
                "restore",
                targetName,
                AdminJobs.restoreKey(targetName),
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
        Job job = jobs.restore(spec);
        return accepted(job, http, "restore", targetName);
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
                targetDatabase != null ? targetDatabase : jobs.database(null).database();
        DatabaseConnection target = jobs.restoreTarget(targetName);
        // refused before the upload is received when it could not start
        jobs.requireNoRestoreOf(targetName);
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
            RestoreRequest.Builder request = jobs.restoreRequest(
                            RestoreSource.file(upload), target, options.force(), options.confirm(), options.create())
                    .actor(actor(http), http.getRemoteAddr());
            Job job = jobs.restoreHere(request, () -> {
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
            AdminJobs.requireDatabaseName(database);
        }
        return service.list(database).stream().map(BackupView::of).toList();
    }

    @GetMapping("/backups/{id}")
    public BackupView get(@PathVariable String id, HttpServletRequest http) {
        guard.requireChecked(http);
        BackupId backupId = BackupId.parse(id);
        return service.get(backupId).map(BackupView::of).orElseThrow(() -> jobs.notFound(backupId));
    }

    @PostMapping("/backups/{id}/verify")
    public ResponseEntity<JobView> verify(
            @PathVariable String id,
            @RequestBody(required = false) @Nullable VerifyBody body,
            HttpServletRequest http) {
        guard.requireChecked(http);
        BackupId backupId = BackupId.parse(id);
        BackupManifest manifest = service.get(backupId).orElseThrow(() -> jobs.notFound(backupId));
        boolean restoreTest = body != null && Boolean.TRUE.equals(body.restoreTest());
        Job job = jobs.verify(manifest, restoreTest, actor(http), http.getRemoteAddr());
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
                .map(JobView::of)
                .orElseThrow(() -> new JobNotFoundException("No job '" + AdminJobs.printable(jobId)
                        + "': it never existed, or" + " it finished longer ago than pgkeep.jobs.keep-finished-for."));
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

    private static @Nullable String actor(HttpServletRequest http) {
        Principal p = http.getUserPrincipal();
        return p == null ? null : p.getName();
    }
}
