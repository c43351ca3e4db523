package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.metrics.micrometer.PgkeepMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for every pgkeep operation ({@link PgkeepMetrics}, an audit sink and meter binder), when
 * pgkeep-metrics-micrometer is on the classpath and the host has a {@code MeterRegistry}; Spring Boot binds it to
 * the registry, the backup service feeds it events.
 */
@AutoConfiguration(
        before = PgkeepAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"
        })
@ConditionalOnClass(
        name = {"io.micrometer.core.instrument.MeterRegistry", "dev.pgkeep.metrics.micrometer.PgkeepMetrics"},
        value = BackupService.class)
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
public final class PgkeepMetricsAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PgkeepMetricsAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    PgkeepMetrics pgkeepMetrics() {
        return new PgkeepMetrics();
    }

    /** Gives the "last success" gauges their values from the repository at start-up, not only after a backup. */
    @Bean
    @ConditionalOnMissingBean(name = "pgkeepMetricsSeed")
    SmartInitializingSingleton pgkeepMetricsSeed(PgkeepMetrics metrics, ObjectProvider<BackupService> service) {
        return () -> service.ifAvailable(s -> {
            try {
                metrics.seedFromRepository(s);
            } catch (RuntimeException e) {
                log.warn("pgkeep could not read the repository to seed its metrics: {}", e.getMessage());
            }
        });
    }
}
