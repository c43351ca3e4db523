package dev.pgkeep.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.jobs.Job;
import dev.pgkeep.spring.jobs.JobStatus;
import dev.pgkeep.spring.jobs.JobsShuttingDownException;
import dev.pgkeep.spring.jobs.PgkeepJobs;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Closing the application while a restore job runs waits for the restore to finish instead of cutting it (a
 * half-dropped target), refuses new jobs from the first moment of the close, and never starts a queued one. The
 * restore is held by a latch in the {@link ProcessRunner}, so nothing here depends on timing.
 */
class JobsShutdownTest {
    private static final long WAIT_SECONDS = 120;

    @TempDir
    Path repo;

    @Test
    void closingTheContextWaitsForARunningRestoreAndRefusesNewJobs() throws Exception {
        String source = TestDatabases.createSample("starter_shutdown");
        PostgresServer pg = TestDatabases.server();
        String target = PostgresServer.uniqueDatabaseName("starter_shutdown_target");
        CountDownLatch restoring = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        ProcessRunner pausing = (command, env, dir) -> {
            if (command.get(0).endsWith("pg_restore") && command.contains("--exit-on-error")) {
                restoring.countDown();
                try {
                    if (!resume.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the restore go on");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while held");
                }
            }
            return ProcessRunner.local().start(command, env, dir);
        };
        DuringClose duringClose = new DuringClose();
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withConfiguration(
                        AutoConfigurations.of(PgkeepAutoConfiguration.class, PgkeepWebAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(source))
                .withPropertyValues(
                        "pgkeep.repository=" + repo, "pgkeep.jobs.threads=1", "pgkeep.schedule.enabled=false")
                .withBean(ProcessRunner.class, () -> pausing)
                .withBean("duringClose", DuringClose.class, () -> duringClose)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupService service = context.getBean(BackupService.class);
                    PgkeepJobs jobs = context.getBean(PgkeepJobs.class);
                    duringClose.jobs = jobs;
                    BackupId backup =
                            service.backup(BackupRequest.of(Trigger.TEST)).id();
                    Job restore = jobs.submit(
                            "restore",
                            target,
                            "restore:" + target,
                            () -> service.restore(
                                    RestoreRequest.builder(RestoreSource.byId(backup.value()), pg.connection(target))
                                            .createDatabase(true)
                                            .build()),
                            null);
                    assertThat(restoring.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                    AtomicBoolean queuedRan = new AtomicBoolean();
                    Job queued = jobs.submit("verify", source, null, () -> queuedRan.getAndSet(true), null);

                    Thread closer = new Thread(context::close, "closer");
                    closer.start();
                    assertThat(duringClose.seen.await(WAIT_SECONDS, TimeUnit.SECONDS))
                            .isTrue();
                    // the close has begun: new jobs are refused, the restore runs on, the close waits for it
                    assertThat(duringClose.refusals).singleElement().asString().contains("shutting down");
                    assertThat(jobs.find(restore.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
                    assertThat(closer.isAlive()).isTrue();
                    assertThatThrownBy(() -> jobs.submit("backup", source, null, () -> "x", null))
                            .isInstanceOf(JobsShuttingDownException.class)
                            .hasMessageContaining("submit it again once the application is back");

                    resume.countDown();
                    closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                    assertThat(closer.isAlive())
                            .as("the close finished once the restore did")
                            .isFalse();
                    Job finished = jobs.find(restore.id()).orElseThrow();
                    assertThat(finished.status())
                            .as(String.valueOf(finished.error()))
                            .isEqualTo(JobStatus.SUCCEEDED);
                    assertThat(DatabaseFingerprint.of(pg, target).diff(DatabaseFingerprint.of(pg, source)))
                            .isEmpty();
                    Job notStarted = jobs.find(queued.id()).orElseThrow();
                    assertThat(queuedRan).isFalse();
                    assertThat(notStarted.status()).isEqualTo(JobStatus.FAILED);
                    assertThat(notStarted.error().type()).isEqualTo("shutting-down");
                    assertThat(notStarted.error().status()).isEqualTo(503);
                });
        pg.dropDatabase(target);
        pg.dropDatabase(source);
    }

    /** Runs between pgkeep's two close listeners: after new jobs are refused, before the wait for running ones. */
    static final class DuringClose implements ApplicationListener<ContextClosedEvent>, Ordered {
        final CountDownLatch seen = new CountDownLatch(1);
        final List<String> refusals = new CopyOnWriteArrayList<>();
        volatile PgkeepJobs jobs;

        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            try {
                jobs.submit("backup", null, null, () -> "started during the close", null);
            } catch (JobsShuttingDownException e) {
                refusals.add(e.getMessage());
            }
            seen.countDown();
        }

        @Override
        public int getOrder() {
            return 0;
        }
    }
}
