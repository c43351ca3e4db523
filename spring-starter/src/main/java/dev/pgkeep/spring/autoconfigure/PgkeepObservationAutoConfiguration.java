package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.metrics.micrometer.PgkeepObservations;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Backups, restores, verifications and prunes as Micrometer observations ({@link PgkeepObservations}, an audit sink
 * the backup service feeds), when pgkeep-metrics-micrometer is on the classpath and the host has an
 * {@link ObservationRegistry} (Boot's, with its meter and tracing handlers). Boot's
 * {@code management.observations.enable.pgkeep=false} switches them off.
 */
@AutoConfiguration(
        before = PgkeepAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(
        name = {"io.micrometer.observation.ObservationRegistry", "dev.pgkeep.metrics.micrometer.PgkeepObservations"},
        value = BackupService.class)
@ConditionalOnBean(type = "io.micrometer.observation.ObservationRegistry")
public final class PgkeepObservationAutoConfiguration {

    /** First among the audit sinks: the observation starts before other sinks (a webhook) spend time on the event. */
    @Bean
    @ConditionalOnMissingBean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    PgkeepObservations pgkeepObservations(ObservationRegistry registry) {
        return new PgkeepObservations(registry);
    }
}
