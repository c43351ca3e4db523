package dev.pgkeep.spring.schedule;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.spi.RestoreCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore drills ({@code pgkeep.drill.*}): on a cron schedule, the newest good backup of each configured database is
 * restored into a scratch database (on {@code pgkeep.drill.server}, else its own server), its row counts compared,
 * the application's {@link RestoreCheck} beans run against it, and the scratch database dropped. The result is the
 * backup's recorded verification ({@code restore-test} or {@code restore-test+checks}); a failed drill is a
 * {@code verify} FAILED audit event with trigger {@code schedule}, so alerts and the {@code pgkeep.drill.*} metrics see
 * it. Each database's drill is claimed once per tick across instances, like scheduled backups.
 */
public final class ScheduledDrills extends CronLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ScheduledDrills.class);

    private final BackupService service;
    private final List<DatabaseConnection> databases;
    private final @Nullable DatabaseConnection scratchServer;
    private final Supplier<List<RestoreCheck>> checks;
    private final ScheduleClaim claim;
    private final Duration claimAtLeastFor;
    private final Clock clock;

    /** One database's drill. */
    public enum Outcome {
        PASSED,
        FAILED,
        NO_BACKUP,
        CLAIMED_ELSEWHERE
    }

    public ScheduledDrills(
            BackupService service,
            List<DatabaseConnection> databases,
            @Nullable DatabaseConnection scratchServer,
            Supplier<List<RestoreCheck>> checks,
            ScheduleClaim claim,
            String cron,
            ZoneId zone,
            Duration claimAtLeastFor,
            Clock clock) {
        super(cron, zone, "pgkeep.drill.cron", "pgkeep restore drill (pgkeep.drill.cron)");
        this.service = service;
        this.databases = List.copyOf(databases);
        this.scratchServer = scratchServer;
        this.checks = checks;
        this.claim = claim;
        this.claimAtLeastFor = claimAtLeastFor;
        this.clock = clock;
    }

    @Override
    void tick() {
        runDrills();
    }

    /** Drills every database now. */
    public List<Outcome> runDrills() {
        Instant tick = clock.instant();
        return databases.stream().map(db -> drill(db, tick)).toList();
    }

    private Outcome drill(DatabaseConnection db, Instant tick) {
        return claim.runClaimed(
                "drill of " + db.database(),
                tick.plus(claimAtLeastFor),
                Outcome.CLAIMED_ELSEWHERE,
                Outcome.FAILED,
                () -> {
                    try {
                        Optional<BackupManifest> newest = service.list(db.database()).stream()
                                .filter(BackupManifest::good)
                                .findFirst();
                        if (newest.isEmpty()) {
                            log.warn("pgkeep restore drill of {}: no good backup to drill", db.database());
                            return Outcome.NO_BACKUP;
                        }
                        VerifyRequest request = new VerifyRequest(
                                        RestoreSource.byId(newest.get().id().value()),
                                        true,
                                        scratchServer != null ? scratchServer : db,
                                        Trigger.SCHEDULE,
                                        "pgkeep-drill",
                                        null)
                                .withChecks(checks.get());
                        VerifyResult result = service.verify(request);
                        log.info(
                                "pgkeep restore drill of {} passed: backup {} ({})",
                                db.database(),
                                result.backupId(),
                                result.method());
                        return Outcome.PASSED;
                    } catch (PgkeepException e) {
                        log.error("pgkeep restore drill of {} FAILED: {}", db.database(), e.getMessage());
                        return Outcome.FAILED;
                    }
                });
    }

    @Override
    public synchronized void start() {
        super.start();
        log.info(
                "pgkeep drills restores of {} on cron '{}' ({})",
                databases.stream().map(DatabaseConnection::database).toList(),
                cron(),
                zone());
    }
}
