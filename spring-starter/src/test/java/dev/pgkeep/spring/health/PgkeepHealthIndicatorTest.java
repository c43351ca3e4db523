package dev.pgkeep.spring.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.spring.autoconfigure.PgkeepHealthAutoConfiguration;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PgkeepHealthIndicatorTest {

    @TempDir
    Path repo;

    private ApplicationContextRunner runner(String database) {
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(PgkeepAutoConfiguration.class, PgkeepHealthAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues("pgkeep.repository=" + repo);
    }

    @Test
    void upAfterAFreshBackupStaleWhenItIsTooOldAndDownOnlyWhenAskedFor() {
        String database = TestDatabases.createSample("starter_health");
        runner(database).run(context -> {
            PgkeepHealthIndicator indicator = context.getBean(PgkeepHealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);

            String id = context.getBean(BackupService.class)
                    .backup(BackupRequest.of(Trigger.TEST))
                    .id()
                    .value();
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            Map<String, Object> details =
                    (Map<String, Object>) health.getDetails().get(database);
            assertThat(details).containsEntry("newestBackupId", id).containsEntry("lastRun", "succeeded");
            assertThat(details).containsKey("newestBackupAge");
            assertThat(health.toString())
                    .doesNotContain(TestDatabases.server().password())
                    .doesNotContain("jdbc:");
        });
        runner(database).withPropertyValues("pgkeep.health.max-age=1ms").run(context -> {
            Health health = context.getBean(PgkeepHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(PgkeepHealthIndicator.STALE);
            assertThat(health.getDetails().toString()).contains("older than pgkeep.health.max-age");
            // Boot's aggregate ignores a status it does not order: a late backup leaves the application UP
            assertThat(new org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator()
                            .getAggregateStatus(java.util.Set.of(Status.UP, health.getStatus())))
                    .isEqualTo(Status.UP);
        });
        runner(database)
                .withPropertyValues("pgkeep.health.max-age=1ms", "pgkeep.health.fail-aggregate=true")
                .run(context -> assertThat(context.getBean(PgkeepHealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.DOWN));
    }

    @Test
    void staleWhenTheLastBackupFailed() {
        String database = TestDatabases.createSample("starter_health_fail");
        runner(database)
                .withPropertyValues(
                        "pgkeep.databases[0].url=" + TestDatabases.jdbcUrl("no_such_database_here"),
                        "pgkeep.fail-fast=false")
                .run(context -> {
                    BackupService service = context.getBean(BackupService.class);
                    service.backup(BackupRequest.of(Trigger.TEST));
                    var missing = context.getBean(PgkeepDatabases.class)
                            .byName("no_such_database_here")
                            .orElseThrow();
                    assertThatThrownBy(() -> service.backup(BackupRequest.of(missing, Trigger.TEST)));
                    Health health = context.getBean(PgkeepHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(PgkeepHealthIndicator.STALE);
                    assertThat(health.getDetails().get("no_such_database_here").toString())
                            .contains("lastRun=failed");
                    assertThat(health.getDetails().get(database).toString()).contains("status=UP");
                });
    }

    @Test
    void anUnreadableManifestDoesNotMakeTheHealthFail() {
        String database = TestDatabases.createSample("starter_health_bad_manifest");
        runner(database).run(context -> {
            String id = context.getBean(BackupService.class)
                    .backup(BackupRequest.of(Trigger.TEST))
                    .id()
                    .value();
            Path garbage = repo.resolve(database + "/20260101T000000Z-aaaaaaaaaaaa/manifest.json");
            java.nio.file.Files.createDirectories(garbage.getParent());
            java.nio.file.Files.writeString(garbage, "{ not json");

            Health health = context.getBean(PgkeepHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get(database).toString()).contains("newestBackupId=" + id);
        });
    }

    @Test
    void disabledThroughManagementHealthProperty() {
        runner(TestDatabases.createSample("starter_health_off"))
                .withPropertyValues("management.health.pgkeep.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PgkeepHealthIndicator.class));
    }
}
