package dev.pgkeep.spring.health;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the backups ({@code pgkeep}): {@link #STALE} when a database's newest good backup is older than
 * {@code maxAge} or its last backup failed, UNKNOWN when there is no backup yet and the application started less than
 * {@code maxAge} ago, else UP. Boot's aggregate ignores a status it does not order, so a late backup shows on
 * {@code /actuator/health/pgkeep} (and in metrics and alerts) without taking a healthy application out of its load
 * balancer; with {@code failAggregate} (pgkeep.health.fail-aggregate) it is DOWN instead. Details show per database
 * the newest good backup's id and age, never a connection string.
 */
public final class PgkeepHealthIndicator implements HealthIndicator {
    /** A database's backups are late or failing: visible on the pgkeep component, ignored by the aggregate. */
    public static final Status STALE = new Status("STALE", "backups are late or failing");

    private final BackupService service;
    private final List<DatabaseConnection> databases;
    private final BackupRunRecorder runs;
    private final Duration maxAge;
    private final Clock clock;
    private final Instant startedAt;
    private final Status problem;
    private volatile @Nullable Listing cached;

    /** The newest backup per database as last read, reused briefly so that frequent probes do not list storage. */
    private record Listing(
            Instant at,
            long changes,
            Map<String, Optional<BackupManifest>> newest,
            Map<String, Optional<BackupManifest.Verification>> drilled) {}

    /** How long a listing of the repository is reused when this instance changed nothing meanwhile. */
    static final Duration LISTING_REUSE = Duration.ofSeconds(30);

    public PgkeepHealthIndicator(
            BackupService service,
            List<DatabaseConnection> databases,
            BackupRunRecorder runs,
            Duration maxAge,
            boolean failAggregate,
            Clock clock) {
        this.service = service;
        this.databases = List.copyOf(databases);
        this.runs = runs;
        this.maxAge = maxAge;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.problem = failAggregate ? Status.DOWN : STALE;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Status overall = Status.UP;
        Map<String, Object> details = new LinkedHashMap<>();
        Listing listing = listing(now);
        Map<String, Optional<BackupManifest>> newestByDatabase = listing.newest();
        for (DatabaseConnection db : databases) {
            Map<String, Object> d = new LinkedHashMap<>();
            Status status;
            Optional<BackupManifest> newest = newestByDatabase.getOrDefault(db.database(), Optional.empty());
            Optional<BackupRunRecorder.LastRun> lastRun = runs.lastRun(db.database());
            if (newest.isPresent()) {
                Duration age = Duration.between(newest.get().completedAt(), now);
                d.put("newestBackupId", newest.get().id().value());
                d.put("newestBackupAt", newest.get().completedAt().toString());
                d.put("newestBackupAge", age.withNanos(0).toString());
                status = age.compareTo(maxAge) > 0 ? problem : Status.UP;
                if (status == problem) {
                    d.put("reason", "newest backup is older than pgkeep.health.max-age (" + maxAge + ")");
                }
            } else {
                status = Duration.between(startedAt, now).compareTo(maxAge) > 0 ? problem : Status.UNKNOWN;
                d.put("reason", "no backup yet");
            }
            if (lastRun.isPresent()) {
                d.put("lastRun", lastRun.get().succeeded() ? "succeeded" : "failed");
                d.put("lastRunAt", lastRun.get().at().toString());
                if (!lastRun.get().succeeded()) {
                    status = problem;
                    d.put("reason", "the last backup failed (see the pgkeep audit log)");
                }
            }
            listing.drilled().getOrDefault(db.database(), Optional.empty()).ifPresent(v -> {
                d.put("lastVerifiedAt", v.at().toString());
                d.put("lastVerifiedBy", v.method());
            });
            d.put("status", status.getCode());
            details.put(db.database(), d);
            overall = worse(overall, status);
        }
        return Health.status(overall).withDetails(details).build();
    }

    private Listing listing(Instant now) {
        long changes = runs.repositoryChanges();
        Listing last = cached;
        if (last != null
                && last.changes() == changes
                && last.at().plus(LISTING_REUSE).isAfter(now)) {
            return last;
        }
        Map<String, Optional<BackupManifest>> newest = new LinkedHashMap<>();
        Map<String, Optional<BackupManifest.Verification>> drilled = new LinkedHashMap<>();
        for (DatabaseConnection db : databases) {
            List<BackupManifest> backups = service.list(db.database());
            // the newest backup that may be restored: a backup whose verification failed does not count as fresh
            newest.put(
                    db.database(), backups.stream().filter(BackupManifest::good).findFirst());
            // the last restore test that passed ("last verified"), of whichever backup
            drilled.put(
                    db.database(),
                    backups.stream()
                            .map(BackupManifest::verification)
                            .filter(v -> v != null && v.ok() && v.method().startsWith("restore-test"))
                            .max(java.util.Comparator.comparing(BackupManifest.Verification::at)));
        }
        Listing listing = new Listing(now, changes, newest, drilled);
        cached = listing;
        return listing;
    }

    private Status worse(Status a, Status b) {
        if (a == problem || b == problem) {
            return problem;
        }
        if (a == Status.UNKNOWN || b == Status.UNKNOWN) {
            return Status.UNKNOWN;
        }
        return Status.UP;
    }
}
