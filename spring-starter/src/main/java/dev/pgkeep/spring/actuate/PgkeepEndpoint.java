package dev.pgkeep.spring.actuate;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.health.BackupRunRecorder;
import dev.pgkeep.spring.jobs.Job;
import dev.pgkeep.spring.jobs.JobConflictException;
import dev.pgkeep.spring.schedule.ScheduledBackups;
import dev.pgkeep.spring.schedule.ScheduledDrills;
import dev.pgkeep.spring.web.AdminJobs;
import dev.pgkeep.spring.web.BackupView;
import dev.pgkeep.spring.web.JobView;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/pgkeep} (and the {@code pgkeep} JMX MBean), like Boot's {@code flyway} endpoint: a read operation
 * listing each configured database with its backups, last run, last verification and next scheduled backup and
 * drill; a write operation that starts a backup as a job (the same job {@code POST /admin/db/backup} starts) and
 * returns it. It is exposed, secured and served (e.g. on {@code management.server.port}) as the host configures its
 * Actuator.
 */
@Endpoint(id = "pgkeep")
public final class PgkeepEndpoint {
    private final BackupService service;
    private final PgkeepDatabases databases;
    private final BackupRunRecorder runs;
    private final Supplier<@Nullable ScheduledBackups> backups;
    private final Supplier<@Nullable ScheduledDrills> drills;
    private final Supplier<@Nullable AdminJobs> jobs;
    private final Clock clock;

    public PgkeepEndpoint(
            BackupService service,
            PgkeepDatabases databases,
            BackupRunRecorder runs,
            Supplier<@Nullable ScheduledBackups> backups,
            Supplier<@Nullable ScheduledDrills> drills,
            Supplier<@Nullable AdminJobs> jobs,
            Clock clock) {
        this.service = service;
        this.databases = databases;
        this.runs = runs;
        this.backups = backups;
        this.drills = drills;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** What {@code GET /actuator/pgkeep} answers. */
    public record PgkeepDescriptor(List<DatabaseDescriptor> databases) {}

    /**
     * One configured database.
     *
     * @param lastRun the last backup of it this instance ran (since start), when there was one
     * @param lastVerification the newest recorded verification of any of its backups
     * @param nextBackup when {@code pgkeep.schedule.cron} fires next; {@code null} when scheduling is off
     * @param nextDrill when {@code pgkeep.drill.cron} fires next; {@code null} when drills are off
     * @param backups newest first
     */
    public record DatabaseDescriptor(
            String name,
            @Nullable LastRun lastRun,
            @Nullable LastVerification lastVerification,
            @Nullable String nextBackup,
            @Nullable String nextDrill,
            List<BackupDescriptor> backups) {}

    /** A stored backup: its id, completion time, stored size and last verification. */
    public record BackupDescriptor(
            String id, String completedAt, long storedBytes, BackupView.@Nullable Verification verification) {}

    /** The last finished backup run of this instance. */
    public record LastRun(
            boolean succeeded, String at, @Nullable String backupId) {}

    /** The newest verification of a database's backups. */
    public record LastVerification(
            String backupId,
            String at,
            String method,
            boolean ok,
            @Nullable String detail) {}

    @ReadOperation
    public PgkeepDescriptor pgkeep() {
        Instant now = clock.instant();
        ScheduledBackups scheduled = backups.get();
        ScheduledDrills drilled = drills.get();
        String nextBackup =
                scheduled == null ? null : text(scheduled.nextRun(now).orElse(null));
        String nextDrill = drilled == null ? null : text(drilled.nextRun(now).orElse(null));
        List<BackupManifest> all = service.list(null);
        List<DatabaseDescriptor> described = databases.all().stream()
                .map(DatabaseConnection::database)
                .map(name -> describe(
                        name,
                        all.stream().filter(m -> m.database().equals(name)).toList(),
                        nextBackup,
                        nextDrill))
                .toList();
        return new PgkeepDescriptor(described);
    }

    private DatabaseDescriptor describe(
            String name, List<BackupManifest> manifests, @Nullable String nextBackup, @Nullable String nextDrill) {
        LastRun lastRun = runs.lastRun(name)
                .map(r -> new LastRun(r.succeeded(), r.at().toString(), r.backupId()))
                .orElse(null);
        LastVerification lastVerification = manifests.stream()
                .filter(m -> m.verification() != null)
                .max(Comparator.comparing(
                        m -> Objects.requireNonNull(m.verification()).at()))
                .map(m -> {
                    BackupManifest.Verification v = Objects.requireNonNull(m.verification());
                    return new LastVerification(m.id().value(), v.at().toString(), v.method(), v.ok(), v.detail());
                })
                .orElse(null);
        List<BackupDescriptor> listed = manifests.stream()
                .map(m -> {
                    BackupView view = BackupView.of(m);
                    return new BackupDescriptor(view.id(), view.completedAt(), view.storedBytes(), view.verification());
                })
                .toList();
        return new DatabaseDescriptor(name, lastRun, lastVerification, nextBackup, nextDrill, listed);
    }

    /**
     * Starts a backup of {@code database} (the default database when omitted) as a job and returns it; poll it at
     * {@code GET /admin/db/jobs/{id}}. When a backup of that database is already queued or running, that job is
     * returned instead of starting a second one.
     */
    @WriteOperation
    public JobView backup(@Nullable String database, SecurityContext security) {
        AdminJobs queue = jobs.get();
        if (queue == null) {
            throw new IllegalStateException("pgkeep runs backups as jobs of its admin API, which is off here"
                    + " (pgkeep.admin.enabled=false or not a servlet web application); enable it to start backups"
                    + " from the endpoint.");
        }
        DatabaseConnection db = database == null || database.isBlank()
                ? databases.primary()
                : databases.byName(database).orElseThrow(() -> {
                    String message = "Database '" + database + "' is not configured; configured: "
                            + databases.all().stream()
                                    .map(DatabaseConnection::database)
                                    .toList()
                            + ".";
                    return new InvalidEndpointRequestException(message, message); // 400, not 500
                });
        Principal principal = security.getPrincipal();
        try {
            Job job = queue.backup(db, null, principal == null ? "actuator" : principal.getName(), null);
            return JobView.of(job);
        } catch (JobConflictException e) {
            return queue.find(e.runningJobId()).map(JobView::of).orElseThrow(() -> e);
        }
    }

    private static @Nullable String text(@Nullable Instant at) {
        return at == null ? null : at.toString();
    }
}
