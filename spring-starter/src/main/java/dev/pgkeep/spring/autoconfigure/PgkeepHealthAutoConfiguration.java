package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.health.BackupRunRecorder;
import dev.pgkeep.spring.health.PgkeepHealthIndicator;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code pgkeep} health indicator, when Spring Boot's health support is on the classpath. */
@AutoConfiguration(
        after = PgkeepAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(BackupService.class)
public final class PgkeepHealthAutoConfiguration {

    // on the method: the condition's class is only loaded once the class-level @ConditionalOnClass passed
    @Bean
    @ConditionalOnEnabledHealthIndicator("pgkeep")
    @ConditionalOnMissingBean(name = "pgkeepHealthIndicator")
    PgkeepHealthIndicator pgkeepHealthIndicator(
            BackupService service,
            PgkeepDatabases databases,
            BackupRunRecorder runs,
            PgkeepProperties properties,
            Clock clock) {
        return new PgkeepHealthIndicator(
                service,
                databases.all(),
                runs,
                properties.getHealth().getMaxAge(),
                properties.getHealth().isFailAggregate(),
                clock);
    }
}
