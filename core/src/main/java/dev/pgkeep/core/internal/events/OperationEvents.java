package dev.pgkeep.core.internal.events;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupEvent.Phase;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Audit events around operations: STARTED, then SUCCEEDED or FAILED, to every sink; a failing sink is logged. */
public final class OperationEvents {
    private static final Logger log = LoggerFactory.getLogger(OperationEvents.class);

    private final List<AuditSink> sinks;
    private final Clock clock;

    public OperationEvents(List<AuditSink> sinks, Clock clock) {
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
    }

    /** A new operation; what it learns on the way (ids, sizes) goes into its fields before it ends. */
    public Run of(
            Operation operation,
            @Nullable String database,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress) {
        return new Run(operation, database, trigger, actor, clientAddress);
    }

    /** One operation's events; the fields are what its SUCCEEDED or FAILED event carries. */
    public final class Run {
        private final Operation operation;
        private final Trigger trigger;
        private final @Nullable String actor;
        private final @Nullable String clientAddress;
        public @Nullable String database;
        public @Nullable String backupId;
        public @Nullable Long storedBytes;
        public @Nullable Long dumpBytes;
        public @Nullable Integer count;
        public @Nullable BackupManifest manifest;

        private Run(
                Operation operation,
                @Nullable String database,
                Trigger trigger,
                @Nullable String actor,
                @Nullable String clientAddress) {
            this.operation = operation;
            this.database = database;
            this.trigger = trigger;
            this.actor = actor;
            this.clientAddress = clientAddress;
        }

        public Trigger trigger() {
            return trigger;
        }

        public @Nullable String actor() {
            return actor;
        }

        public @Nullable String clientAddress() {
            return clientAddress;
        }

        /** Runs {@code body} between the STARTED and the SUCCEEDED or FAILED event. */
        public <T> T around(Supplier<T> body) {
            Instant started = clock.instant();
            emit(Phase.STARTED, null, null, null);
            try {
                T result = body.get();
                emit(Phase.SUCCEEDED, Duration.between(started, clock.instant()).toMillis(), null, null);
                return result;
            } catch (UncheckedIOException e) {
                PgkeepException wrapped = new PgkeepException(e.getMessage(), e);
                fail(started, wrapped);
                throw wrapped;
            } catch (RuntimeException e) {
                fail(started, e);
                throw e;
            }
        }

        private void fail(Instant started, RuntimeException e) {
            ErrorKind kind = e instanceof PgkeepException p ? p.kind() : ErrorKind.FAILED;
            emit(
                    Phase.FAILED,
                    Duration.between(started, clock.instant()).toMillis(),
                    String.valueOf(e.getMessage()),
                    kind);
        }

        private void emit(Phase phase, @Nullable Long durationMs, @Nullable String error, @Nullable ErrorKind kind) {
            BackupEvent event = new BackupEvent(
                    operation,
                    phase,
                    clock.instant(),
                    database,
                    backupId,
                    trigger,
                    actor,
                    clientAddress,
                    durationMs,
                    phase == Phase.STARTED ? null : storedBytes,
                    phase == Phase.STARTED ? null : dumpBytes,
                    phase == Phase.SUCCEEDED ? count : null,
                    error,
                    phase == Phase.STARTED ? null : manifest,
                    kind);
            for (AuditSink sink : sinks) {
                try {
                    sink.onEvent(event);
                } catch (RuntimeException e) {
                    log.warn("Audit sink {} failed on {}: {}", sink.getClass().getName(), event.type(), e.toString());
                }
            }
        }
    }
}
