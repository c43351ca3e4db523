package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;

/**
 * Micrometer meters for every pgkeep operation, when pgkeep-metrics-micrometer is on the classpath and the host has
 * a {@code MeterRegistry}.
 */
@AutoConfiguration(
        before = PgkeepAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(
        name = {"io.micrometer.core.instrument.MeterRegistry", "dev.pgkeep.metrics.micrometer.PgkeepMetrics"},
        value = BackupService.class)
public final class PgkeepMetricsAutoConfiguration {
    // TODO(metrics-micrometer merge): @Bean @ConditionalOnBean(MeterRegistry.class) PgkeepMetrics, an AuditSink
    // and MeterBinder, picked up by pgkeepBackupService's audit sinks.
}
