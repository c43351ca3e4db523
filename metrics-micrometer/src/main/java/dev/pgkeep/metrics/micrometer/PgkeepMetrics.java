package dev.pgkeep.metrics.micrometer;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupEvent.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Records pgkeep's {@link BackupEvent}s as Micrometer meters. Register it as an {@link AuditSink} of the
 * {@link BackupService} and bind it to a {@link MeterRegistry}; core never sees Micrometer.
 *
 * <pre>{@code
 * PgkeepMetrics metrics = new PgkeepMetrics();
 * metrics.bindTo(registry);
 * BackupService backups = BackupService.builder()....auditSink(metrics).build();
 * metrics.seedFromRepository(backups); // the freshness gauge survives a restart
 * }</pre>
 *
 * <p>Meters (Prometheus names in brackets). Tags: {@value #TAG_DATABASE}, {@value #TAG_OUTCOME}
 * ({@value #OUTCOME_SUCCESS}/{@value #OUTCOME_FAILURE}) and {@value #TAG_TRIGGER} ({@code cli}, {@code api},
 * {@code schedule}, {@code test}) and {@value #TAG_ERROR} (core's {@code ErrorKind} code of a failure, else
 * {@value #NO_ERROR}) on timers, summaries and the counter; gauges carry {@value #TAG_DATABASE} only.
 *
 * <ul>
 *   <li>{@value #BACKUP_DURATION} timer [{@code pgkeep_backup_duration_seconds_count|sum|max}] every finished backup,
 *       failed ones included;
 *   <li>{@value #BACKUP_SIZE} summary, bytes [{@code pgkeep_backup_size_bytes}]: stored object size of successful
 *       backups;
 *   <li>{@value #BACKUP_DUMP_SIZE} summary, bytes [{@code pgkeep_backup_dump_size_bytes}]: pg_dump archive size before
 *       compression and encryption;
 *   <li>{@value #BACKUP_COMPRESSION_RATIO} gauge [{@code pgkeep_backup_compression_ratio}]: dump bytes / stored bytes
 *       of the newest successful backup (4.0 means a quarter of the size); NaN until known;
 *   <li>{@value #RESTORE_DURATION} and {@value #VERIFY_DURATION} timers [{@code pgkeep_restore_duration_seconds},
 *       {@code pgkeep_verify_duration_seconds}];
 *   <li>{@value #PRUNE_DELETED} counter [{@code pgkeep_prune_deleted_total}]: backups removed by retention;
 *       {@value #TAG_DATABASE} is {@value #ALL_DATABASES} for a repository-wide prune;
 *   <li>{@value #BACKUP_LAST_SUCCESS} gauge, epoch seconds [{@code pgkeep_backup_last_success_seconds}]: completion
 *       time of the newest successful backup; NaN while the database has none;
 *   <li>{@value #BACKUP_LAST_SUCCESS_AGE} gauge, seconds [{@code pgkeep_backup_last_success_age_seconds}]: how old
 *       that backup is now, computed at each scrape; +Inf while the database has none, so an age alert fires for a
 *       database whose backups only ever failed;
 *   <li>{@value #BACKUP_LAST_FAILED} gauge [{@code pgkeep_backup_last_failed}]: 1 when the most recent backup of the
 *       database failed, 0 when it succeeded (a caller refused because a backup was already running is neither);
 *   <li>{@value #BACKUP_LAST_FAILURE} gauge, epoch seconds [{@code pgkeep_backup_last_failure_seconds}]: when the
 *       most recent failure seen by this process happened; NaN when none (failures are not stored, so a restart
 *       forgets them). Compare it with {@value #BACKUP_LAST_SUCCESS} across instances;
 *   <li>{@value #BACKUP_IN_PROGRESS} gauge [{@code pgkeep_backup_in_progress}]: backups running now.
 * </ul>
 *
 * <p>A database gets its gauges when it is first seen: in a backup event or in {@link #seed}. Alert rules and
 * dashboards: {@code docs/metrics.md}. Thread-safe; it may be bound to several registries.
 */
public final class PgkeepMetrics implements AuditSink, MeterBinder {
    public static final String BACKUP_DURATION = "pgkeep.backup.duration";
    public static final String BACKUP_SIZE = "pgkeep.backup.size";
    public static final String BACKUP_DUMP_SIZE = "pgkeep.backup.dump.size";
    public static final String BACKUP_COMPRESSION_RATIO = "pgkeep.backup.compression.ratio";
    public static final String RESTORE_DURATION = "pgkeep.restore.duration";
    public static final String VERIFY_DURATION = "pgkeep.verify.duration";
    public static final String PRUNE_DELETED = "pgkeep.prune.deleted";
    public static final String BACKUP_LAST_SUCCESS = "pgkeep.backup.last.success";
    public static final String BACKUP_LAST_SUCCESS_AGE = "pgkeep.backup.last.success.age";
    public static final String BACKUP_LAST_FAILED = "pgkeep.backup.last.failed";
    public static final String BACKUP_LAST_FAILURE = "pgkeep.backup.last.failure";
    public static final String BACKUP_IN_PROGRESS = "pgkeep.backup.in.progress";
    /** Age of the newest successful restore drill (a scheduled restore-test verification), per database. */
    public static final String DRILL_LAST_SUCCESS = "pgkeep.drill.last.success";
    /** Failed restore drills, per database. */
    public static final String DRILL_FAILURES = "pgkeep.drill.failures";

    public static final String TAG_DATABASE = "database";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_TRIGGER = "trigger";
    /** The failure's {@link ErrorKind#code()} ({@code integrity}, {@code failed}...), {@value #NO_ERROR} on success. */
    public static final String TAG_ERROR = "error";

    public static final String NO_ERROR = "none";
    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_FAILURE = "failure";
    /** The {@value #TAG_DATABASE} tag of a prune that covered the whole repository. */
    public static final String ALL_DATABASES = "*";

    // Prometheus appends the base unit: pgkeep_backup_last_success_seconds
    private static final String SECONDS = "seconds";

    private final Clock clock;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<String, DatabaseState> databases = new ConcurrentHashMap<>();
    private final Object registration = new Object();
    /** When the running restore or verification of "operation:database" started. */
    private final Map<String, Instant> otherStarts = new ConcurrentHashMap<>();
    /** When each database's newest successful drill ended; present once a drill of it was seen. */
    private final Map<String, AtomicReference<Instant>> drills = new ConcurrentHashMap<>();

    /** Metrics on the system clock. */
    public PgkeepMetrics() {
        this(Clock.systemUTC());
    }

    /** Metrics whose freshness age is measured on {@code clock}. */
    public PgkeepMetrics(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        synchronized (registration) {
            if (registries.contains(registry)) {
                return;
            }
            registries.add(registry);
            databases.forEach((name, state) -> registerGauges(registry, name, state));
            drills.forEach((name, last) -> registerDrillGauge(registry, name, last));
        }
    }

    /**
     * Sets each database's last success (and compression ratio) from stored backups, so that after a restart the
     * freshness gauges show the real age of the newest backup instead of "never". Older manifests than what is
     * already known change nothing.
     */
    public void seed(Collection<BackupManifest> manifests) {
        for (BackupManifest manifest : manifests) {
            state(manifest.database())
                    .succeeded(manifest.completedAt(), ratio(manifest.dumpBytes(), manifest.storedBytes()));
        }
    }

    /**
     * {@link #seed seeds} from the repository's good backups ({@link BackupService#list}).
     *
     * @return how many databases the repository holds backups of
     */
    public int seedFromRepository(BackupService service) {
        List<BackupManifest> manifests = service.list(null);
        seed(manifests);
        return (int) manifests.stream().map(BackupManifest::database).distinct().count();
    }

    @Override
    public void onEvent(BackupEvent event) {
        switch (event.operation()) {
            case BACKUP -> onBackup(event);
            case RESTORE -> onTimed(RESTORE_DURATION, "Time taken by restores", event);
            case VERIFY -> {
                onTimed(VERIFY_DURATION, "Time taken by verifications", event);
                onDrill(event);
            }
            case PRUNE -> onPrune(event);
            case DELETE -> {}
        }
    }

    private void onBackup(BackupEvent event) {
        String database = event.database();
        if (database == null) {
            return;
        }
        DatabaseState state = state(database);
        switch (event.phase()) {
            case STARTED -> state.started(event.at());
            case SUCCEEDED -> {
                state.finished();
                recordDuration(BACKUP_DURATION, "Time taken by backups", event, state.startedAt());
                Tags tags = tags(event, database);
                Long stored = stored(event);
                Long dump = dump(event);
                if (stored != null) {
                    recordBytes(BACKUP_SIZE, "Size of stored backups, after compression and encryption", tags, stored);
                }
                if (dump != null) {
                    recordBytes(
                            BACKUP_DUMP_SIZE, "Size of pg_dump archives before compression and encryption", tags, dump);
                }
                BackupManifest manifest = event.manifest();
                Instant completed = manifest != null ? manifest.completedAt() : event.at();
                state.succeeded(completed, dump != null && stored != null ? ratio(dump, stored) : Double.NaN);
            }
            case FAILED -> {
                state.finished();
                if (event.errorKind() == ErrorKind.IN_PROGRESS) {
                    return; // refused because a backup was already running: that one's outcome is what counts
                }
                recordDuration(BACKUP_DURATION, "Time taken by backups", event, state.startedAt());
                state.failed(event.at());
            }
        }
    }

    private void recordBytes(String name, String description, Tags tags, long bytes) {
        for (MeterRegistry registry : registries) {
            DistributionSummary.builder(name)
                    .description(description)
                    .baseUnit(BaseUnits.BYTES)
                    .tags(tags)
                    .register(registry)
                    .record(bytes);
        }
    }

    private void onTimed(String name, String description, BackupEvent event) {
        String database = event.database();
        if (database == null) {
            return;
        }
        // not state(database): a restore target or a verified backup's database gets no backup gauges
        String key = event.operation().wireName() + ":" + database;
        if (event.phase() == Phase.STARTED) {
            otherStarts.put(key, event.at());
        } else {
            recordDuration(name, description, event, otherStarts.remove(key));
        }
    }

    /** A restore drill is a scheduled verification (the starter's drills are the only ones). */
    private void onDrill(BackupEvent event) {
        String database = event.database();
        if (database == null || event.trigger() != Trigger.SCHEDULE || event.phase() == Phase.STARTED) {
            return;
        }
        AtomicReference<Instant> last = drills.computeIfAbsent(database, db -> {
            AtomicReference<Instant> fresh = new AtomicReference<>();
            synchronized (registration) {
                registries.forEach(r -> registerDrillGauge(r, db, fresh));
            }
            return fresh;
        });
        if (event.phase() == Phase.SUCCEEDED) {
            last.set(event.at());
        } else if (event.errorKind() != ErrorKind.IN_PROGRESS) {
            for (MeterRegistry registry : registries) {
                Counter.builder(DRILL_FAILURES)
                        .description("Failed restore drills (scheduled restore tests with the application's checks)")
                        .tags(Tags.of(
                                TAG_DATABASE,
                                database,
                                TAG_ERROR,
                                event.errorKind() == null
                                        ? NO_ERROR
                                        : event.errorKind().code()))
                        .register(registry)
                        .increment();
            }
        }
    }

    private void registerDrillGauge(MeterRegistry registry, String database, AtomicReference<Instant> last) {
        Gauge.builder(DRILL_LAST_SUCCESS, last, l -> {
                    Instant at = l.get();
                    return at == null
                            ? Double.POSITIVE_INFINITY
                            : Duration.between(at, clock.instant()).toMillis() / 1000.0;
                })
                .description("Age of the newest successful restore drill; +Inf when none succeeded yet")
                .baseUnit(SECONDS)
                .tags(Tags.of(TAG_DATABASE, database))
                .register(registry);
    }

    private void onPrune(BackupEvent event) {
        Integer count = event.count();
        if (event.phase() != Phase.SUCCEEDED || count == null) {
            return;
        }
        Tags tags = Tags.of(
                TAG_DATABASE,
                event.database() == null ? ALL_DATABASES : event.database(),
                TAG_TRIGGER,
                event.trigger().wireName());
        for (MeterRegistry registry : registries) {
            Counter.builder(PRUNE_DELETED)
                    .description("Backups deleted by retention")
                    .tags(tags)
                    .register(registry)
                    .increment(count);
        }
    }

    /** Records the event's duration; without one, the time since its STARTED event, so a failure is still counted. */
    private void recordDuration(String name, String description, BackupEvent event, @Nullable Instant startedAt) {
        Duration duration;
        if (event.durationMs() != null) {
            duration = Duration.ofMillis(event.durationMs());
        } else if (startedAt != null && !startedAt.isAfter(event.at())) {
            duration = Duration.between(startedAt, event.at());
        } else {
            duration = Duration.ZERO;
        }
        Tags tags = tags(event, Objects.requireNonNull(event.database()));
        for (MeterRegistry registry : registries) {
            Timer.builder(name)
                    .description(description)
                    .tags(tags)
                    .register(registry)
                    .record(duration);
        }
    }

    private static Tags tags(BackupEvent event, String database) {
        return Tags.of(
                TAG_DATABASE,
                database,
                TAG_OUTCOME,
                event.phase() == Phase.FAILED ? OUTCOME_FAILURE : OUTCOME_SUCCESS,
                TAG_TRIGGER,
                event.trigger().wireName(),
                TAG_ERROR,
                event.errorKind() == null ? NO_ERROR : event.errorKind().code());
    }

    private static @Nullable Long stored(BackupEvent event) {
        if (event.storedBytes() != null) {
            return event.storedBytes();
        }
        return event.manifest() == null ? null : event.manifest().storedBytes();
    }

    private static @Nullable Long dump(BackupEvent event) {
        if (event.dumpBytes() != null) {
            return event.dumpBytes();
        }
        return event.manifest() == null ? null : event.manifest().dumpBytes();
    }

    private static double ratio(long dumpBytes, long storedBytes) {
        return storedBytes > 0 ? (double) dumpBytes / storedBytes : Double.NaN;
    }

    private DatabaseState state(String database) {
        DatabaseState existing = databases.get(database);
        if (existing != null) {
            return existing;
        }
        synchronized (registration) {
            return databases.computeIfAbsent(database, name -> {
                DatabaseState created = new DatabaseState();
                registries.forEach(registry -> registerGauges(registry, name, created));
                return created;
            });
        }
    }

    private void registerGauges(MeterRegistry registry, String database, DatabaseState state) {
        Tags tags = Tags.of(TAG_DATABASE, database);
        gauge(
                registry,
                tags,
                state,
                BACKUP_LAST_SUCCESS,
                SECONDS,
                DatabaseState::lastSuccessEpochSeconds,
                "When the newest successful backup completed (Unix time); NaN when there is none");
        gauge(
                registry,
                tags,
                state,
                BACKUP_LAST_SUCCESS_AGE,
                SECONDS,
                s -> s.ageSeconds(clock.instant()),
                "Age of the newest successful backup; +Inf when there is none");
        gauge(
                registry,
                tags,
                state,
                BACKUP_LAST_FAILED,
                null,
                DatabaseState::lastFailed,
                "1 when the most recent backup failed, 0 when it succeeded");
        gauge(
                registry,
                tags,
                state,
                BACKUP_LAST_FAILURE,
                SECONDS,
                DatabaseState::lastFailureEpochSeconds,
                "When the most recent failed backup ended (Unix time); NaN when none since start");
        gauge(registry, tags, state, BACKUP_IN_PROGRESS, null, DatabaseState::inProgress, "Backups running now");
        gauge(
                registry,
                tags,
                state,
                BACKUP_COMPRESSION_RATIO,
                null,
                DatabaseState::compressionRatio,
                "Dump bytes divided by stored bytes of the newest successful backup");
    }

    private static void gauge(
            MeterRegistry registry,
            Tags tags,
            DatabaseState state,
            String name,
            @Nullable String baseUnit,
            ToDoubleFunction<DatabaseState> value,
            String description) {
        Gauge.builder(name, state, value)
                .description(description)
                .baseUnit(baseUnit)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** What the gauges of one database read. */
    private static final class DatabaseState {
        private static final long NEVER = Long.MIN_VALUE;

        private final AtomicLong lastSuccessMillis = new AtomicLong(NEVER);
        private final AtomicLong lastFailureMillis = new AtomicLong(NEVER);
        private final AtomicInteger inProgress = new AtomicInteger();
        private volatile @Nullable Instant startedAt;
        private volatile double compressionRatio = Double.NaN;

        void started(Instant at) {
            inProgress.incrementAndGet();
            startedAt = at;
        }

        /** Never below zero, even when a FAILED event arrives without its STARTED (e.g. a refused second caller). */
        void finished() {
            inProgress.getAndUpdate(n -> Math.max(0, n - 1));
        }

        @Nullable
        Instant startedAt() {
            return startedAt;
        }

        void succeeded(Instant completedAt, double ratio) {
            long millis = completedAt.toEpochMilli();
            long previous = lastSuccessMillis.getAndAccumulate(millis, Math::max);
            if (millis >= previous && !Double.isNaN(ratio)) {
                compressionRatio = ratio;
            }
        }

        void failed(Instant at) {
            lastFailureMillis.accumulateAndGet(at.toEpochMilli(), Math::max);
        }

        double lastSuccessEpochSeconds() {
            long millis = lastSuccessMillis.get();
            return millis == NEVER ? Double.NaN : millis / 1000.0;
        }

        double lastFailureEpochSeconds() {
            long millis = lastFailureMillis.get();
            return millis == NEVER ? Double.NaN : millis / 1000.0;
        }

        double ageSeconds(Instant now) {
            long millis = lastSuccessMillis.get();
            return millis == NEVER ? Double.POSITIVE_INFINITY : Math.max(0, now.toEpochMilli() - millis) / 1000.0;
        }

        double lastFailed() {
            return lastFailureMillis.get() > lastSuccessMillis.get() ? 1 : 0;
        }

        double inProgress() {
            return inProgress.get();
        }

        double compressionRatio() {
            return compressionRatio;
        }
    }
}
