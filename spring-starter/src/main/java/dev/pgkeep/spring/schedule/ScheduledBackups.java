package dev.pgkeep.spring.schedule;

import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up every configured database on a cron schedule, on a Spring task scheduler (the host needs no
 * {@code @EnableScheduling}), and applies retention after each successful backup. Each tick is claimed through a
 * {@link ScheduleClaim}, so that with several instances of the application exactly one of them runs it.
 */
public final class ScheduledBackups extends CronLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ScheduledBackups.class);

    private final BackupService service;
    private final List<DatabaseConnection> databases;
    private final ScheduleClaim claim;
    private final Duration claimAtLeastFor;
    private final @Nullable RetentionPolicy retention;
    private final RepositoryCopies copies;
    private final boolean allDatabases;
    private final Clock clock;

    /**
     * @param retention the policy applied after each successful backup; {@code null} to keep everything
     * @param copies second repositories each new backup is copied to (before retention runs on the primary)
     * @param allDatabases back up the whole server of the first database (roles and every database) as one set
     */
    public ScheduledBackups(
            BackupService service,
            List<DatabaseConnection> databases,
            ScheduleClaim claim,
            String cron,
            ZoneId zone,
            Duration claimAtLeastFor,
            @Nullable RetentionPolicy retention,
            RepositoryCopies copies,
            boolean allDatabases,
            Clock clock) {
        super(cron, zone, "pgkeep.schedule.cron", "pgkeep scheduled backup (pgkeep.schedule.cron)");
        this.service = service;
        this.databases = List.copyOf(databases);
        this.claim = claim;
        this.claimAtLeastFor = claimAtLeastFor;
        this.retention = retention;
        this.copies = copies;
        this.allDatabases = allDatabases;
        this.clock = clock;
    }

    @Override
    void tick() {
        runTick();
    }

    /** The outcome of one tick for one database. */
    public enum Outcome {
        BACKED_UP,
        CLAIMED_ELSEWHERE,
        FAILED
    }

    /** Runs one schedule tick now: for each database, claim it, back it up, apply retention. */
    public List<Outcome> runTick() {
        Instant tick = clock.instant();
        if (allDatabases) {
            return List.of(runServerTick(databases.get(0), tick));
        }
        return databases.stream().map(db -> runTick(db, tick)).toList();
    }

    /** {@code pgkeep.all-databases}: the whole server as one set, claimed once per tick like a database. */
    private Outcome runServerTick(DatabaseConnection server, Instant tick) {
        return claim.runClaimed(
                "all databases of " + server.describe(),
                tick.plus(claimAtLeastFor),
                Outcome.CLAIMED_ELSEWHERE,
                Outcome.FAILED,
                () -> {
                    try {
                        BackupSet set = service.backupAll(server, false, Trigger.SCHEDULE, "pgkeep-scheduler");
                        log.info(
                                "pgkeep scheduled whole-server backup {} stored (complete: {})",
                                set.id(),
                                set.complete());
                        for (BackupSet.Part part : set.databases()) {
                            if (part.ok()) {
                                service.get(part.backupId()).ifPresent(m -> copies.copy(service, m, Trigger.SCHEDULE));
                            }
                        }
                        if (retention != null) {
                            service.prune(retention, false, Trigger.SCHEDULE, "pgkeep-scheduler");
                        }
                        return set.complete() ? Outcome.BACKED_UP : Outcome.FAILED;
                    } catch (RuntimeException e) {
                        log.error("pgkeep scheduled whole-server backup failed: {}", e.getMessage());
                        return Outcome.FAILED;
                    }
                });
    }

    /** One database's tick; its claim's name is the database's (the advisory key of earlier versions). */
    private Outcome runTick(DatabaseConnection db, Instant tick) {
        return claim.runClaimed(
                db.database(), tick.plus(claimAtLeastFor), Outcome.CLAIMED_ELSEWHERE, Outcome.FAILED, () -> {
                    try {
                        BackupResult result = service.backup(BackupRequest.of(db, Trigger.SCHEDULE));
                        log.info("pgkeep scheduled backup {} of {} stored", result.id(), db.database());
                        copies.copy(service, result.manifest(), Trigger.SCHEDULE);
                        if (retention != null) {
                            PruneResult pruned = service.prune(retention, false, Trigger.SCHEDULE, "pgkeep-scheduler");
                            log.info(
                                    "pgkeep retention removed {} backup(s)",
                                    pruned.deleted().size());
                        }
                        return Outcome.BACKED_UP;
                    } catch (BackupInProgressException e) {
                        log.warn("pgkeep scheduled backup of {} skipped: {}", db.database(), e.getMessage());
                        return Outcome.CLAIMED_ELSEWHERE;
                    } catch (RuntimeException e) {
                        log.error("pgkeep scheduled backup of {} failed: {}", db.database(), e.getMessage());
                        return Outcome.FAILED;
                    }
                });
    }

    @Override
    public synchronized void start() {
        super.start();
        log.info(
                "pgkeep backs up {} on cron '{}' ({})",
                databases.stream().map(DatabaseConnection::database).toList(),
                cron(),
                zone());
    }
}
