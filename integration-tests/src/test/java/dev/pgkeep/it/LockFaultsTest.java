package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.testsupport.HeldSession;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults around pgkeep's locks on a real server: a backup lock lost mid-backup, two restores into one target at once,
 * and pg_dump meeting a table held in ACCESS EXCLUSIVE mode. Every pause is a latch the test opens, never a sleep.
 */
@ExtendWith(PostgresExtension.class)
class LockFaultsTest {
    /** {@code PostgresAdvisoryLock.NAMESPACE}: the first half of backup lock keys. */
    private static final long BACKUP_LOCK_NAMESPACE = 0x70676b70L;

    private static final long WAIT_SECONDS = 120;
    private static String source = "";

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("locks");
        SampleDatabase.create(pg, source);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @Test
    void aBackupWhoseLockSessionIsTerminatedMidDumpFailsAndNothingIsListed(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        CountDownLatch dumping = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        ProcessRunner pausing = (command, env, wd) -> {
            ProcessRunner.RunningProcess p = fx.recordingRunner().start(command, env, wd);
            return command.contains("--format=custom") ? new PausedStdout(p, dumping, resume) : p;
        };
        BackupService service = fx.builder().processRunner(pausing).build();
        CompletableFuture<?> backup =
                CompletableFuture.runAsync(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)));
        try {
            assertThat(dumping.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            String holder = pg.psql(
                    "postgres",
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = " + BACKUP_LOCK_NAMESPACE
                            + " AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = "
                            + PostgresServer.quoteLiteral(source) + ")");
            assertThat(holder).as("the backup's lock session").matches("\\d+");
            // as an operator (or idle_session_timeout) would: the backend is gone when this returns
            assertThat(pg.psql("postgres", "SELECT pg_terminate_backend(" + holder + ", 60000)"))
                    .isEqualTo("t");
        } finally {
            resume.countDown();
        }
        assertThatThrownBy(() -> backup.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("backup lock of database '" + source + "' was lost")
                .hasMessageContaining("its session ended")
                .hasMessageContaining("terminating connection due to administrator command")
                .hasMessageContaining("not recorded")
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(service.list(source)).isEmpty();
        try (Stream<Path> files = Files.walk(fx.repo)) {
            assertThat(files.filter(Files::isRegularFile).toList())
                    .as("the dump of a backup that lost its lock is removed")
                    .isEmpty();
        }
        // the lock went with the session: the next backup runs and is listed
        assertThat(service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                        .id())
                .isNotNull();
        assertThat(service.list(source)).hasSize(1);
    }

    @Test
    void aSecondRestoreIntoTheSameTargetAndABackupOfItAreRefusedWhileTheFirstRestoreRuns(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        var backup = fx.service().backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        String target = PostgresServer.uniqueDatabaseName("locks_target");
        pg.createDatabase(target);
        CountDownLatch restoring = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        ProcessRunner pausing = (command, env, wd) -> {
            if (command.get(0).endsWith("pg_restore") && command.contains("--exit-on-error")) {
                restoring.countDown(); // every lock of the restore is held by now
                await(resume);
            }
            return fx.recordingRunner().start(command, env, wd);
        };
        BackupService first = fx.builder().processRunner(pausing).build();
        BackupService other = fx.service(); // another instance: its own sessions
        RestoreRequest request = RestoreRequest.builder(
                        RestoreSource.byId(backup.id().value()), pg.connection(target))
                .build();
        try {
            CompletableFuture<RestoreResult> running = CompletableFuture.supplyAsync(() -> first.restore(request));
            try {
                assertThat(restoring.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> other.restore(request))
                        .isInstanceOf(BackupInProgressException.class)
                        .hasMessageContaining("A restore into database '" + target + "' is already running")
                        .hasMessageContaining("Nothing was changed")
                        .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.IN_PROGRESS));
                assertThatThrownBy(() -> other.backup(BackupRequest.of(pg.connection(target), Trigger.TEST)))
                        .isInstanceOf(BackupInProgressException.class)
                        .hasMessageContaining("already running");
            } finally {
                resume.countDown();
            }
            assertThat(running.get(WAIT_SECONDS, TimeUnit.SECONDS).targetDatabase())
                    .isEqualTo(target);
            assertThat(pg.psql(target, "SELECT count(*) FROM inventory.items")).isNotEqualTo("0");
            assertThat(fx.service().list(target))
                    .as("the refused backup stored nothing")
                    .isEmpty();
            // both locks went with the first restore: the same restore now runs (over its tables, so forced), and
            // its safety backup runs under the backup lock the restore itself holds
            RestoreRequest again = RestoreRequest.builder(
                            RestoreSource.byId(backup.id().value()), pg.connection(target))
                    .force(true)
                    .build();
            assertThat(other.restore(again).safetyBackupId()).isNotNull();
            assertThat(other.list(target)).hasSize(1);
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aTableHeldInAccessExclusiveModeFailsTheBackupAfterTheLockWaitTimeout(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service =
                fx.builder().lockWaitTimeout(Duration.ofMillis(300)).build();
        try (HeldSession migration = pg.hold(source, "BEGIN; LOCK TABLE inventory.items IN ACCESS EXCLUSIVE MODE;")) {
            assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class)
                    .hasMessageContaining("pg_dump of")
                    .hasMessageContaining("LOCK TABLE")
                    .hasMessageContaining("longer than the lock wait timeout of 300 ms")
                    .hasMessageContaining("pg_locks");
            assertThat(fx.commands)
                    .filteredOn(c -> c.contains("--format=custom"))
                    .singleElement()
                    .satisfies(c -> assertThat(c).contains("--lock-wait-timeout=300"));
            assertThat(service.list(source)).isEmpty();
        }
        // the table is free again: the same service backs it up
        assertThat(service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                        .id())
                .isNotNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** pg_dump whose output stops at its first read until the test opens {@code resume}. */
    private static final class PausedStdout extends DelegatingProcess {
        private final InputStream stdout;

        PausedStdout(ProcessRunner.RunningProcess delegate, CountDownLatch reached, CountDownLatch resume) {
            super(delegate);
            this.stdout = new FilterInputStream(delegate.stdout()) {
                private boolean paused;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (!paused) {
                        paused = true;
                        reached.countDown();
                        try {
                            await(resume);
                        } catch (IllegalStateException e) {
                            throw new InterruptedIOException(e.getMessage());
                        }
                    }
                    return super.read(b, off, len);
                }
            };
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }
    }
}
