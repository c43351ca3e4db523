package dev.pgkeep.spring.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreChecks;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.RestoreCheck;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.spring.autoconfigure.PgkeepSchedulerAutoConfiguration;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Restore drills in a host: the newest good backup restored into a scratch database, the host's RestoreCheck beans run
 * on it, the result recorded in the manifest; a failing check fails the drill, is audited as a scheduled verify
 * failure and marks the backup's verification failed.
 */
class ScheduledDrillsTest {
    @TempDir
    Path repo;

    private ApplicationContextRunner host(String database, List<BackupEvent> events) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        PgkeepAutoConfiguration.class,
                        PgkeepSchedulerAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues(
                        "pgkeep.repository=" + repo,
                        "pgkeep.drill.enabled=true",
                        "pgkeep.schedule.cron=0 0 2 1 1 *",
                        "pgkeep.schedule.claim-at-least-for=0s")
                .withBean("recorder", AuditSink.class, () -> RecordedEvents.into(events));
    }

    @Test
    void aDrillRunsTheHostsChecksOnTheRestoredCopyAndRecordsThem() {
        String database = TestDatabases.createSample("starter_drill");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        RestoreCheck items = RestoreChecks.sql("items are there", "select count(*) > 0 from inventory.items");
        host(database, events)
                .withBean("itemsCheck", RestoreCheck.class, () -> items)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ScheduledDrills drills = context.getBean(ScheduledDrills.class);
                    assertThat(drills.runDrills()).containsExactly(ScheduledDrills.Outcome.NO_BACKUP);
                    BackupService service = context.getBean(BackupService.class);
                    BackupManifest backup =
                            service.backup(BackupRequest.of(Trigger.TEST)).manifest();

                    assertThat(drills.runDrills()).containsExactly(ScheduledDrills.Outcome.PASSED);
                    BackupManifest.Verification v =
                            service.get(backup.id()).orElseThrow().verification();
                    assertThat(v.ok()).isTrue();
                    assertThat(v.method()).isEqualTo("restore-test+checks");
                    assertThat(v.checks()).containsExactly("items are there");
                    // the scratch database is gone again
                    assertThat(TestDatabases.server()
                                    .psql(
                                            "postgres",
                                            "select count(*) from pg_database where datname like"
                                                    + " 'pgkeep\\_verify\\_%'")
                                    .strip())
                            .isEqualTo("0");
                });
        assertThat(events)
                .filteredOn(
                        e -> e.operation() == BackupEvent.Operation.VERIFY && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .singleElement()
                .satisfies(e -> assertThat(e.trigger()).isEqualTo(Trigger.SCHEDULE));
    }

    @Test
    void aFailingCheckFailsTheDrillAndMarksTheBackup() {
        String database = TestDatabases.createSample("starter_drill_bad");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        RestoreCheck fresh = new RestoreCheck() {
            @Override
            public String name() {
                return "orders are fresh";
            }

            @Override
            public @Nullable String check(Restored restored) {
                return "the newest order is 3 days older than backup "
                        + restored.backup().id();
            }
        };
        host(database, events)
                .withBean("freshCheck", RestoreCheck.class, () -> fresh)
                .run(context -> {
                    BackupService service = context.getBean(BackupService.class);
                    BackupManifest backup =
                            service.backup(BackupRequest.of(Trigger.TEST)).manifest();
                    assertThat(context.getBean(ScheduledDrills.class).runDrills())
                            .containsExactly(ScheduledDrills.Outcome.FAILED);
                    BackupManifest.Verification v =
                            service.get(backup.id()).orElseThrow().verification();
                    assertThat(v.ok()).isFalse();
                    assertThat(v.detail()).contains("orders are fresh: the newest order is 3 days older");
                });
        assertThat(events)
                .filteredOn(e -> e.operation() == BackupEvent.Operation.VERIFY && e.phase() == BackupEvent.Phase.FAILED)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.trigger()).isEqualTo(Trigger.SCHEDULE);
                    assertThat(e.errorKind()).isEqualTo(dev.pgkeep.core.ErrorKind.INTEGRITY);
                });
    }
}
