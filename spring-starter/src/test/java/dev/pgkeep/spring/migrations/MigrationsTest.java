package dev.pgkeep.spring.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.spring.autoconfigure.PgkeepMigrationsAutoConfiguration;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A host that migrates its database with Flyway or Liquibase: a backup is taken before pending migrations (and only
 * then), every manifest names the schema version, and restoring a schema newer than the code's migrations warns.
 */
class MigrationsTest {
    @TempDir
    Path repo;

    private ApplicationContextRunner host(String database, Class<?> migrationTool, String... properties) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        migrationTool,
                        PgkeepAutoConfiguration.class,
                        PgkeepMigrationsAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues(
                        "pgkeep.repository=" + repo,
                        "pgkeep.schedule.enabled=false",
                        "spring.application.name=shop",
                        "pgkeep.migrations.backup-before-migrate=true")
                .withPropertyValues(properties);
    }

    private static String emptyDatabase(String prefix) {
        String name = PostgresServer.uniqueDatabaseName(prefix);
        TestDatabases.server().createDatabase(name);
        return name;
    }

    @Test
    void flywayBacksUpBeforePendingMigrationsOnlyAndEveryManifestNamesTheSchemaVersion() {
        runThroughTwoReleases(
                emptyDatabase("mig_flyway"),
                FlywayAutoConfiguration.class,
                "flyway",
                "1",
                "2",
                "spring.flyway.locations=classpath:db/pgkeep-flyway/v1",
                "spring.flyway.locations=classpath:db/pgkeep-flyway/v1,classpath:db/pgkeep-flyway/v2");
    }

    @Test
    void liquibaseBacksUpBeforePendingChangesetsOnlyAndEveryManifestNamesTheLastOne() {
        runThroughTwoReleases(
                emptyDatabase("mig_liquibase"),
                LiquibaseAutoConfiguration.class,
                "liquibase",
                "customers::shop::shop-changelog",
                "orders::shop::shop-changelog",
                "spring.liquibase.change-log=classpath:db/pgkeep-liquibase/changelog-1.sql",
                "spring.liquibase.change-log=classpath:db/pgkeep-liquibase/changelog-2.sql");
    }

    /** Release 1 migrates a fresh database, release 2 adds a migration, release 1 then restores release 2's backup. */
    private void runThroughTwoReleases(
            String db, Class<?> tool, String toolName, String first, String second, String release1, String release2) {
        try {
            // a fresh database: the first migrations run without a backup (there is nothing to lose yet)
            host(db, tool, release1).run(context -> {
                assertThat(context).hasNotFailed();
                BackupService service = context.getBean(BackupService.class);
                assertThat(service.list(db)).isEmpty();
                BackupManifest m =
                        service.backup(BackupRequest.of(Trigger.TEST)).manifest();
                assertThat(m.application()).isNotNull();
                assertThat(m.application().name()).isEqualTo("shop");
                assertThat(m.application().schema().tool()).isEqualTo(toolName);
                assertThat(m.application().schema().version()).isEqualTo(first);
            });
            // release 2 with a pending migration: backed up first, at the old version, labelled with the target
            host(db, tool, release2).run(context -> {
                assertThat(context).hasNotFailed();
                List<BackupManifest> backups =
                        context.getBean(BackupService.class).list(db);
                assertThat(backups).hasSize(2);
                BackupManifest pre = backups.get(0);
                assertThat(pre.trigger()).isEqualTo(Trigger.MIGRATION);
                assertThat(pre.label()).startsWith("pre-migrate-");
                assertThat(pre.application().schema().version()).isEqualTo(first);
                assertThat(TestDatabases.server()
                                .psql(db, "select count(*) from orders")
                                .strip())
                        .isEqualTo("0");
            });
            // started again with nothing pending: no backup; a new one names the new version
            host(db, tool, release2).run(context -> {
                assertThat(context).hasNotFailed();
                BackupService service = context.getBean(BackupService.class);
                assertThat(service.list(db)).hasSize(2);
                BackupManifest now =
                        service.backup(BackupRequest.of(Trigger.TEST)).manifest();
                assertThat(now.application().schema().version()).isEqualTo(second);
            });
            // release 1 (its migrations stop at the first) restoring release 2's backup is warned, an old one is not
            String copy = PostgresServer.uniqueDatabaseName("mig_copy");
            try {
                host(db, tool, release1, "pgkeep.migrations.backup-before-migrate=false")
                        .run(context -> {
                            assertThat(context).hasNotFailed();
                            BackupService service = context.getBean(BackupService.class);
                            RestoreResult newer = service.restore(RestoreRequest.builder(
                                            RestoreSource.latest(db),
                                            TestDatabases.server().connection(copy))
                                    .createDatabase(true)
                                    .build());
                            assertThat(newer.warnings())
                                    .singleElement()
                                    .asString()
                                    .contains("schema version " + second)
                                    .contains("do not know");
                            BackupManifest oldest = service.list(db).get(2);
                            TestDatabases.server().dropDatabase(copy);
                            RestoreResult known = service.restore(RestoreRequest.builder(
                                            RestoreSource.byId(oldest.id().value()),
                                            TestDatabases.server().connection(copy))
                                    .createDatabase(true)
                                    .build());
                            assertThat(known.warnings()).isEmpty();
                        });
            } finally {
                TestDatabases.server().dropDatabase(copy);
            }
        } finally {
            TestDatabases.server().dropDatabase(db);
        }
    }
}
