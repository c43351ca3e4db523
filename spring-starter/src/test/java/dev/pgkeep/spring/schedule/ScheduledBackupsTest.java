package dev.pgkeep.spring.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.spring.autoconfigure.PgkeepSchedulerAutoConfiguration;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/** The scheduler fires on its cron, applies retention after each backup, and runs each tick on one instance only. */
class ScheduledBackupsTest {

    @TempDir
    Path repo;

    private ApplicationContextRunner instance(String database, List<BackupEvent> events) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        PgkeepAutoConfiguration.class,
                        PgkeepSchedulerAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues("pgkeep.repository=" + repo)
                .withBean("recorder", AuditSink.class, () -> RecordedEvents.into(events));
    }

    @Test
    void cronFiresWithoutEnableSchedulingAndRetentionRunsAfterEachBackup() {
        String database = TestDatabases.createSample("starter_cron");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        instance(database, events)
                .withPropertyValues(
                        "pgkeep.schedule.cron=* * * * * *",
                        "pgkeep.schedule.claim-at-least-for=200ms",
                        "pgkeep.retention.keep-days=0",
                        "pgkeep.retention.keep-min=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> succeeded(events, BackupEvent.Operation.PRUNE) >= 2);
                    context.getBean(ScheduledBackups.class).stop();
                    List<BackupManifest> left =
                            context.getBean(BackupService.class).list(database);
                    assertThat(left).hasSize(1);
                    assertThat(left.get(0).trigger()).isEqualTo(Trigger.SCHEDULE);
                });
        assertThat(events)
                .filteredOn(
                        e -> e.operation() == BackupEvent.Operation.BACKUP && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(e -> assertThat(e.trigger()).isEqualTo(Trigger.SCHEDULE));
        // retention deleted the older scheduled backups
        assertThat(events)
                .filteredOn(e -> e.operation() == BackupEvent.Operation.DELETE
                        || (e.operation() == BackupEvent.Operation.PRUNE && e.count() != null && e.count() > 0))
                .isNotEmpty();
    }

    @Test
    void eachScheduledBackupIsCopiedToTheSecondRepositoriesWithTheirOwnRetentionAndAFailedCopyIsOnlyReported(
            @TempDir Path offsite) {
        String database = TestDatabases.createSample("starter_copy");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        instance(database, events)
                .withPropertyValues(
                        "pgkeep.schedule.claim-at-least-for=0s",
                        "pgkeep.retention.enabled=false",
                        "pgkeep.copies[0].repository=" + offsite,
                        "pgkeep.copies[0].retention.keep-days=0",
                        "pgkeep.copies[0].retention.keep-min=2",
                        // nothing listens there: the copy fails, the backup must not
                        "pgkeep.copies[1].repository=s3://nowhere/x?endpoint=http://127.0.0.1:9&region=us-east-1"
                                + "&path-style=true&max-attempts=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ScheduledBackups scheduled = context.getBean(ScheduledBackups.class);
                    for (int i = 0; i < 3; i++) {
                        assertThat(scheduled.runTick()).containsExactly(ScheduledBackups.Outcome.BACKED_UP);
                    }
                    List<BackupManifest> primary =
                            context.getBean(BackupService.class).list(database);
                    assertThat(primary).hasSize(3);
                    BackupService copy = context.getBean(RepositoryCopies.class)
                            .targets()
                            .get(0)
                            .repository();
                    // the offsite repository keeps its own two newest, the primary keeps all three
                    assertThat(copy.list(database))
                            .extracting(BackupManifest::id)
                            .containsExactly(primary.get(0).id(), primary.get(1).id());
                });
        assertThat(events)
                .filteredOn(e -> e.operation() == BackupEvent.Operation.COPY)
                .filteredOn(e -> e.phase() == BackupEvent.Phase.FAILED)
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.error()).contains("nowhere"));
        assertThat(succeeded(events, BackupEvent.Operation.COPY)).isEqualTo(3);
        assertThat(succeeded(events, BackupEvent.Operation.BACKUP)).isEqualTo(3);
    }

    @Test
    void allDatabasesBacksUpTheWholeServerAsOneSetOncePerTick() {
        try (PostgresServer server = PostgresServer.start()) {
            server.psql("postgres", "create role app_owner nologin; create database one; create database two;");
            List<BackupEvent> events = new CopyOnWriteArrayList<>();
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(
                            PgkeepAutoConfiguration.class, PgkeepSchedulerAutoConfiguration.class))
                    .withPropertyValues(
                            "pgkeep.database.url=jdbc:postgresql://" + server.host() + ":" + server.port() + "/one",
                            "pgkeep.database.username=" + server.superuser(),
                            "pgkeep.database.password=" + server.password(),
                            "pgkeep.tools.bin-dir=" + server.binDir(),
                            "pgkeep.repository=" + repo,
                            "pgkeep.all-databases=true",
                            "pgkeep.retention.enabled=false")
                    .withBean("recorder", AuditSink.class, () -> RecordedEvents.into(events))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(ScheduledBackups.class).runTick())
                                .containsExactly(ScheduledBackups.Outcome.BACKED_UP);
                        List<BackupSet> sets =
                                context.getBean(BackupService.class).sets();
                        assertThat(sets).singleElement().satisfies(set -> {
                            assertThat(set.complete()).isTrue();
                            assertThat(set.databases())
                                    .extracting(BackupSet.Part::database)
                                    .containsExactly("one", "two");
                        });
                    });
            assertThat(succeeded(events, BackupEvent.Operation.BACKUP)).isEqualTo(2);
        }
    }

    @Test
    void aCopyWithoutARepositoryStopsTheStartNamingTheSetting() {
        instance(TestDatabases.createSample("starter_copy_bad"), new CopyOnWriteArrayList<>())
                .withPropertyValues("pgkeep.copies[0].retention.keep-days=3")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pgkeep.copies[0].repository is not set"));
    }

    @Test
    void twoInstancesFiringTheSameTickRunOneBackup() {
        String database = TestDatabases.createSample("starter_twin");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        String[] props = {"pgkeep.schedule.claim-at-least-for=1h", "pgkeep.retention.enabled=false"};
        instance(database, events)
                .withPropertyValues(props)
                .run(first -> instance(database, events)
                        .withPropertyValues(props)
                        .run(second -> {
                            // the second instance fires after the first finished: its claim must still be held
                            assertThat(first.getBean(ScheduledBackups.class).runTick())
                                    .containsExactly(ScheduledBackups.Outcome.BACKED_UP);
                            assertThat(second.getBean(ScheduledBackups.class).runTick())
                                    .containsExactly(ScheduledBackups.Outcome.CLAIMED_ELSEWHERE);
                            assertThat(first.getBean(ScheduledBackups.class).runTick())
                                    .containsExactly(ScheduledBackups.Outcome.CLAIMED_ELSEWHERE);
                            assertThat(first.getBean(BackupService.class).list(database))
                                    .hasSize(1);
                        }));
        assertThat(succeeded(events, BackupEvent.Operation.BACKUP)).isEqualTo(1);
    }

    @Test
    void twoInstancesOnACronEverySecondBackUpOncePerTick() {
        String database = TestDatabases.createSample("starter_pair");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        String[] props = {
            "pgkeep.schedule.cron=* * * * * *",
            "pgkeep.schedule.claim-at-least-for=900ms",
            "pgkeep.retention.enabled=false"
        };
        instance(database, events)
                .withPropertyValues(props)
                .run(first -> instance(database, events)
                        .withPropertyValues(props)
                        .run(second -> {
                            Awaitility.await()
                                    .atMost(Duration.ofSeconds(30))
                                    .until(() -> succeeded(events, BackupEvent.Operation.BACKUP) >= 3);
                            first.getBean(ScheduledBackups.class).stop();
                            second.getBean(ScheduledBackups.class).stop();
                        }));
        List<String> startSeconds = events.stream()
                .filter(e -> e.operation() == BackupEvent.Operation.BACKUP && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .map(e -> e.manifest().startedAt().getEpochSecond() + "")
                .toList();
        assertThat(startSeconds).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
    }

    /** A host that schedules its own work with {@code @Scheduled}. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SchedulingHost {}

    @Test
    void aHostWithEnableSchedulingRunsTheBackupOnItsOwnSchedulerOncePerTick() {
        List<String> threads = new CopyOnWriteArrayList<>();
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        instance(TestDatabases.createSample("starter_host_sched"), events)
                .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
                .withUserConfiguration(SchedulingHost.class)
                .withBean("threads", AuditSink.class, () -> backupThreads(threads))
                .withPropertyValues(
                        "spring.task.scheduling.thread-name-prefix=host-tick-",
                        "pgkeep.schedule.cron=* * * * * *",
                        "pgkeep.schedule.claim-at-least-for=900ms",
                        "pgkeep.retention.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("taskScheduler").doesNotHaveBean("pgkeepTaskScheduler");
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> succeeded(events, BackupEvent.Operation.BACKUP) >= 2);
                    // listed once among every scheduled-task holder: the host's @EnableScheduling did not add it again
                    assertThat(pgkeepTasks(context)).isEqualTo(1);
                    context.getBean(ScheduledBackups.class).stop();
                });
        assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("host-tick-"));
        assertThat(startSeconds(events)).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
    }

    @Test
    void withoutEnableSchedulingPgkeepBuildsItsSchedulerFromSpringTaskScheduling() {
        List<String> threads = new CopyOnWriteArrayList<>();
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        instance(TestDatabases.createSample("starter_own_sched"), events)
                .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
                .withBean("threads", AuditSink.class, () -> backupThreads(threads))
                .withPropertyValues(
                        "spring.task.scheduling.thread-name-prefix=own-tick-",
                        "pgkeep.schedule.cron=* * * * * *",
                        "pgkeep.schedule.claim-at-least-for=900ms",
                        "pgkeep.retention.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("pgkeepTaskScheduler");
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> succeeded(events, BackupEvent.Operation.BACKUP) >= 1);
                    assertThat(pgkeepTasks(context)).isEqualTo(1);
                    context.getBean(ScheduledBackups.class).stop();
                    assertThat(pgkeepTasks(context)).isZero();
                });
        assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("own-tick-"));
    }

    private static long pgkeepTasks(ApplicationContext context) {
        return context.getBeansOfType(ScheduledTaskHolder.class).values().stream()
                .flatMap(h -> h.getScheduledTasks().stream())
                .filter(t -> t.getTask().getRunnable().toString().startsWith("pgkeep scheduled backup"))
                .count();
    }

    /** Records the thread each backup starts on. */
    private static AuditSink backupThreads(List<String> threads) {
        return new AuditSink() {
            @Override
            public void onEvent(BackupEvent event) {
                if (event.operation() == BackupEvent.Operation.BACKUP && event.phase() == BackupEvent.Phase.STARTED) {
                    threads.add(Thread.currentThread().getName());
                }
            }
        };
    }

    private static List<Long> startSeconds(List<BackupEvent> events) {
        return events.stream()
                .filter(e -> e.operation() == BackupEvent.Operation.BACKUP && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .map(e -> e.manifest().startedAt().getEpochSecond())
                .toList();
    }

    private static long succeeded(List<BackupEvent> events, BackupEvent.Operation operation) {
        return events.stream()
                .filter(e -> e.operation() == operation && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .count();
    }
}
