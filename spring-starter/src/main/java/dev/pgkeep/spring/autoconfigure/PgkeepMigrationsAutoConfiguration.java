package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.migrations.FlywaySchemaVersions;
import dev.pgkeep.spring.migrations.LiquibaseSchemaVersions;
import dev.pgkeep.spring.migrations.PreMigrationBackup;
import dev.pgkeep.spring.migrations.SchemaVersionSource;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The host's Flyway or Liquibase, seen by pgkeep: the primary database's schema version in every manifest, a warning
 * when a restore brings back a schema newer than this code's migrations, and with
 * {@code pgkeep.migrations.backup-before-migrate} a backup just before pending migrations run.
 */
@AutoConfiguration(
        after = PgkeepAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"
        })
@ConditionalOnBean(BackupService.class)
public final class PgkeepMigrationsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PreMigrationBackup pgkeepPreMigrationBackup(
            BackupService service, PgkeepDatabases databases, ApplicationInfo application) {
        return new PreMigrationBackup(service, databases.primary(), application);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Flyway.class)
    @ConditionalOnBean(Flyway.class)
    static class FlywayMigrations {

        @Bean
        SchemaVersionSource pgkeepFlywaySchemaVersions(Flyway flyway) {
            return new FlywaySchemaVersions(flyway);
        }

        /** Boot's Flyway initializer runs this instead of {@code migrate()}; a host's own strategy wins. */
        @Bean
        @ConditionalOnClass(FlywayMigrationStrategy.class)
        @ConditionalOnMissingBean(FlywayMigrationStrategy.class)
        @ConditionalOnBooleanProperty("pgkeep.migrations.backup-before-migrate")
        FlywayMigrationStrategy pgkeepBackupBeforeFlywayMigrate(ObjectProvider<PreMigrationBackup> backup) {
            return flyway -> {
                backup.getObject().beforeMigrate(new FlywaySchemaVersions(flyway));
                flyway.migrate();
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SpringLiquibase.class)
    static class LiquibaseMigrations {

        @Bean
        @ConditionalOnBean(SpringLiquibase.class)
        SchemaVersionSource pgkeepLiquibaseSchemaVersions(SpringLiquibase liquibase) {
            return new LiquibaseSchemaVersions(liquibase);
        }

        /** Runs before {@link SpringLiquibase} applies its changelog (in its own initialization). */
        @Bean
        @ConditionalOnBooleanProperty("pgkeep.migrations.backup-before-migrate")
        static BeanPostProcessor pgkeepBackupBeforeLiquibaseUpdate(ObjectProvider<PreMigrationBackup> backup) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessBeforeInitialization(Object bean, String beanName) {
                    if (bean instanceof SpringLiquibase liquibase) {
                        backup.getObject().beforeMigrate(new LiquibaseSchemaVersions(liquibase));
                    }
                    return bean;
                }
            };
        }
    }
}
