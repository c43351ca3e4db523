package dev.pgkeep.spring.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.spring.autoconfigure.PgkeepSchedulerAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
                .withBean("recorder", AuditSink.class, () -> new AuditSink() {
                    @Override
                    public void onEvent(BackupEvent event) {
                        events.add(event);
                    }
                });
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

    private static long succeeded(List<BackupEvent> events, BackupEvent.Operation operation) {
        return events.stream()
                .filter(e -> e.operation() == operation && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .count();
    }
}
