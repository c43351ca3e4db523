package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupServiceBuilder;

/**
 * Adjusts the {@link BackupServiceBuilder} the starter configures before it builds the {@code BackupService}, the way
 * Boot's {@code FlywayConfigurationCustomizer} does for Flyway: change one thing without replacing the whole bean.
 * Every customizer bean is applied, in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface BackupServiceBuilderCustomizer {
    void customize(BackupServiceBuilder builder);
}
