package dev.pgkeep.metrics.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real pg_dump backups, a real failure and a real prune, observed through Micrometer's Observation API. */
@ExtendWith(PostgresExtension.class)
class PgkeepObservationsTest {

    @Test
    void aBackupAndAFailedBackupAndAPruneAreObservationsWithTheirKeyValuesAndError(
            PostgresServer pg, @TempDir Path repository) {
        String database = PostgresServer.uniqueDatabaseName("observed");
        String missing = PostgresServer.uniqueDatabaseName("observed_missing");
        SampleDatabase.create(pg, database);
        try {
            TestObservationRegistry registry = TestObservationRegistry.create();
            BackupService backups = service(pg, database, repository, new PgkeepObservations(registry));

            BackupManifest manifest =
                    backups.backup(BackupRequest.of(Trigger.TEST)).manifest();
            assertThat(registry)
                    .hasSingleObservationThat()
                    .hasNameEqualTo(PgkeepObservations.BACKUP)
                    .hasContextualNameEqualTo("backup " + database)
                    .hasLowCardinalityKeyValue("database", database)
                    .hasLowCardinalityKeyValue("trigger", "test")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasLowCardinalityKeyValue("error.kind", "none")
                    .hasHighCardinalityKeyValue("backup.id", manifest.id().value())
                    .doesNotHaveError()
                    .hasBeenStarted()
                    .hasBeenStopped();

            registry.clear();
            assertThatThrownBy(() -> backups.backup(BackupRequest.of(pg.connection(missing), Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class);
            assertThat(registry)
                    .hasSingleObservationThat()
                    .hasNameEqualTo(PgkeepObservations.BACKUP)
                    .hasLowCardinalityKeyValue("database", missing)
                    .hasLowCardinalityKeyValue("outcome", "failure")
                    .hasLowCardinalityKeyValue("error.kind", ErrorKind.FAILED.code())
                    .hasBeenStarted()
                    .hasBeenStopped()
                    .assertThatError()
                    .isInstanceOf(PgkeepException.class)
                    .hasMessageContaining(missing);

            registry.clear();
            backups.prune(RetentionPolicy.defaults(), false, Trigger.SCHEDULE, "test");
            assertThat(registry)
                    .hasSingleObservationThat()
                    .hasNameEqualTo(PgkeepObservations.PRUNE)
                    .hasLowCardinalityKeyValue("database", PgkeepMetrics.ALL_DATABASES)
                    .hasLowCardinalityKeyValue("trigger", "schedule")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasBeenStarted()
                    .hasBeenStopped();
        } finally {
            pg.dropDatabase(database);
        }
    }

    @Test
    void aRunningBackupIsAnActiveLongTaskUntilItEndsThenATimedRun(PostgresServer pg, @TempDir Path repository)
            throws Exception {
        String database = PostgresServer.uniqueDatabaseName("observed_long");
        SampleDatabase.create(pg, database);
        try {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AuditSink holder = new AuditSink() {
                @Override
                public void onEvent(BackupEvent event) {
                    if (event.operation() == BackupEvent.Operation.BACKUP
                            && event.phase() == BackupEvent.Phase.STARTED) {
                        started.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            BackupService backups = service(pg, database, repository, new PgkeepObservations(registry), holder);

            CompletableFuture<?> run = CompletableFuture.runAsync(() -> backups.backup(BackupRequest.of(Trigger.TEST)));
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            LongTaskTimer active = meters.get(PgkeepObservations.BACKUP + ".active")
                    .tag("database", database)
                    .longTaskTimer();
            assertThat(active.activeTasks()).isEqualTo(1);
            assertThat(active.duration(TimeUnit.NANOSECONDS)).isPositive();

            release.countDown();
            run.get(60, TimeUnit.SECONDS);
            assertThat(active.activeTasks()).isZero();
            Timer done = meters.get(PgkeepObservations.BACKUP)
                    .tag("database", database)
                    .tag("outcome", "success")
                    .timer();
            assertThat(done.count()).isEqualTo(1);
        } finally {
            pg.dropDatabase(database);
        }
    }

    @Test
    void theObservationIsCurrentOnTheThreadWhileTheOperationRunsAndARestoresSafetyBackupIsItsChild(
            PostgresServer pg, @TempDir Path repository) {
        String database = PostgresServer.uniqueDatabaseName("observed_current");
        SampleDatabase.create(pg, database);
        try {
            TestObservationRegistry registry = TestObservationRegistry.create();
            // what the operation calls while it runs (psql, pg_dump, pg_restore), as "tool in current < parent"
            List<String> calls = new CopyOnWriteArrayList<>();
            ProcessRunner local = ProcessRunner.local();
            ProcessRunner recording = (command, environment, directory) -> {
                Observation current = registry.getCurrentObservation();
                ObservationView parent =
                        current == null ? null : current.getContextView().getParentObservation();
                calls.add(Path.of(command.get(0)).getFileName() + " in "
                        + (current == null ? "none" : current.getContextView().getName())
                        + " < "
                        + (parent == null ? "none" : parent.getContextView().getName()));
                return local.start(command, environment, directory);
            };
            BackupService backups = BackupService.builder()
                    .database(pg.connection(database))
                    .storage(new LocalStorageAdapter(repository))
                    .toolsDirectory(pg.binDir())
                    .processRunner(recording)
                    .auditSink(new PgkeepObservations(registry))
                    .build();

            assertThat(registry.getCurrentObservation()).isNull();
            BackupManifest manifest =
                    backups.backup(BackupRequest.of(Trigger.TEST)).manifest();
            assertThat(calls)
                    .contains("pg_dump in pgkeep.backup < none")
                    .allMatch(c -> c.contains(" in pgkeep.backup"));
            assertThat(registry.getCurrentObservation())
                    .as("closed when the backup ended")
                    .isNull();

            registry.clear();
            calls.clear();
            backups.restore(RestoreRequest.builder(new RestoreSource.ById(manifest.id()), pg.connection(database))
                    .force(true)
                    .safetyBackup(true)
                    .build());
            // the safety backup runs inside the restore, as its child
            assertThat(calls)
                    .contains("pg_dump in pgkeep.backup < pgkeep.restore", "pg_restore in pgkeep.restore < none")
                    .noneMatch(c -> c.contains(" in none"));
            assertThat(registry.getCurrentObservation()).isNull();
            assertThat(registry).hasNumberOfObservationsEqualTo(2);
        } finally {
            pg.dropDatabase(database);
        }
    }

    private static BackupService service(PostgresServer pg, String database, Path repository, AuditSink... sinks) {
        var builder = BackupService.builder()
                .database(pg.connection(database))
                .storage(new LocalStorageAdapter(repository))
                .toolsDirectory(pg.binDir());
        for (AuditSink sink : sinks) {
            builder.auditSink(sink);
        }
        return builder.build();
    }
}
