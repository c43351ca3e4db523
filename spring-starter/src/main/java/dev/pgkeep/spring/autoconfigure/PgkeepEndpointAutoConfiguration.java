package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.actuate.PgkeepEndpoint;
import dev.pgkeep.spring.health.BackupRunRecorder;
import dev.pgkeep.spring.schedule.ScheduledBackups;
import dev.pgkeep.spring.schedule.ScheduledDrills;
import dev.pgkeep.spring.web.AdminJobs;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pgkeep} Actuator endpoint, when Spring Boot's Actuator is on the classpath and the host exposes the
 * endpoint ({@code management.endpoints.web.exposure.include}, {@code management.endpoints.jmx.exposure.include}).
 */
@AutoConfiguration(
        after = {PgkeepAutoConfiguration.class, PgkeepWebAutoConfiguration.class, PgkeepSchedulerAutoConfiguration.class
        })
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
        })
@ConditionalOnBean(BackupService.class)
public final class PgkeepEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(PgkeepEndpoint.class)
    PgkeepEndpoint pgkeepEndpoint(
            BackupService service,
            PgkeepDatabases databases,
            BackupRunRecorder runs,
            ObjectProvider<ScheduledBackups> backups,
            ObjectProvider<ScheduledDrills> drills,
            ObjectProvider<AdminJobs> jobs,
            Clock clock) {
        return new PgkeepEndpoint(
                service, databases, runs, backups::getIfAvailable, drills::getIfAvailable, jobs::getIfAvailable, clock);
    }
}
