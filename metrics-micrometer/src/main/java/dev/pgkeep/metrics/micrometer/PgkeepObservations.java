package dev.pgkeep.metrics.micrometer;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupEvent.Phase;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Records pgkeep's backups, restores, verifications and prunes as Micrometer {@link Observation}s, driven by core's
 * {@link BackupEvent}s (core never sees Micrometer): a STARTED event starts an observation, its SUCCEEDED or FAILED
 * event stops it. With Micrometer's {@code DefaultMeterObservationHandler} (Spring Boot registers it) each becomes a
 * timer and a long-task timer ({@code pgkeep.backup.active}: a backup running for hours shows as an active task with
 * its duration); with a tracing bridge, a span.
 *
 * <p>Observations: {@value #BACKUP}, {@value #RESTORE}, {@value #VERIFY}, {@value #PRUNE}. Low-cardinality keys:
 * {@value #KEY_DATABASE} ({@value PgkeepMetrics#ALL_DATABASES} for a repository-wide prune), {@value #KEY_TRIGGER},
 * {@value #KEY_OUTCOME} ({@code success}/{@code failure}) and {@value #KEY_ERROR} (core's {@code ErrorKind} code, or
 * {@code none}); {@code error} itself is the meter handler's tag (the failure's class), so pgkeep's own kind has its
 * own key. High-cardinality: {@value #KEY_BACKUP_ID}. A failure is also the observation's
 * {@link Observation#error error}, a {@link PgkeepException} with the event's kind and message.
 *
 * <p>Register it as an {@link AuditSink} of the {@link BackupService}, first among the sinks. An operation's events
 * come on the thread that runs it (core emits STARTED, runs the operation, then emits SUCCEEDED or FAILED, all in one
 * call), which pairs them; a caller refused because the operation already runs (a FAILED event without STARTED)
 * records nothing. Between its STARTED and its end the observation is the thread's current one (a {@link
 * Observation.Scope} is open): core's log lines carry its trace id in the MDC with a tracing bridge, the later audit
 * sinks and anything instrumented the operation calls (a JDBC call, an S3 request) nest under it, and a restore's
 * safety backup is a child of the restore.
 */
public final class PgkeepObservations implements AuditSink {
    public static final String BACKUP = "pgkeep.backup";
    public static final String RESTORE = "pgkeep.restore";
    public static final String VERIFY = "pgkeep.verify";
    public static final String PRUNE = "pgkeep.prune";

    public static final String KEY_DATABASE = PgkeepMetrics.TAG_DATABASE;
    public static final String KEY_TRIGGER = PgkeepMetrics.TAG_TRIGGER;
    public static final String KEY_OUTCOME = PgkeepMetrics.TAG_OUTCOME;
    public static final String KEY_ERROR = "error.kind";
    public static final String KEY_BACKUP_ID = "backup.id";

    private final ObservationRegistry registry;
    private final Map<Running, Active> running = new ConcurrentHashMap<>();

    public PgkeepObservations(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Which observation an event belongs to: the operation's thread, kind and database. */
    private record Running(long thread, Operation operation, String database) {}

    /** A started observation and its scope on the operation's thread. */
    private record Active(Observation observation, Observation.Scope scope) {
        void end() {
            scope.close();
            observation.stop();
        }
    }

    @Override
    public void onEvent(BackupEvent event) {
        String name = name(event.operation());
        if (name == null) {
            return;
        }
        String database = event.database() == null ? PgkeepMetrics.ALL_DATABASES : event.database();
        Running key = new Running(Thread.currentThread().getId(), event.operation(), database);
        if (event.phase() == Phase.STARTED) {
            Observation observation = Observation.createNotStarted(name, registry)
                    .contextualName(event.operation().wireName() + " " + database)
                    .parentObservation(registry.getCurrentObservation())
                    .lowCardinalityKeyValue(KEY_DATABASE, database)
                    .lowCardinalityKeyValue(KEY_TRIGGER, event.trigger().wireName())
                    .start();
            Active previous = running.remove(key);
            if (previous != null) {
                previous.end(); // its end was never reported; never leave it active (or current) for ever
            }
            running.put(key, new Active(observation, observation.openScope()));
            return;
        }
        Active active = running.remove(key);
        if (active == null) {
            return;
        }
        Observation observation = active.observation();
        boolean failed = event.phase() == Phase.FAILED;
        ErrorKind kind = event.errorKind();
        observation
                .lowCardinalityKeyValue(
                        KEY_OUTCOME, failed ? PgkeepMetrics.OUTCOME_FAILURE : PgkeepMetrics.OUTCOME_SUCCESS)
                .lowCardinalityKeyValue(KEY_ERROR, failed && kind != null ? kind.code() : PgkeepMetrics.NO_ERROR);
        if (event.backupId() != null) {
            observation.highCardinalityKeyValue(KEY_BACKUP_ID, event.backupId());
        }
        if (failed) {
            observation.error(
                    new PgkeepException(kind == null ? ErrorKind.FAILED : kind, String.valueOf(event.error()), null));
        }
        active.end();
    }

    private static @Nullable String name(Operation operation) {
        switch (operation) {
            case BACKUP:
                return BACKUP;
            case RESTORE:
                return RESTORE;
            case VERIFY:
                return VERIFY;
            case PRUNE:
                return PRUNE;
            default:
                return null;
        }
    }
}
