package dev.pgkeep.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The host's own database connection as Boot resolved it: its {@code JdbcConnectionDetails} bean, which Testcontainers'
 * {@code @ServiceConnection}, Docker Compose support or a platform provide, and which otherwise mirrors
 * {@code spring.datasource.*}. Only the URL, user and password are read.
 */
public interface HostConnection {
    String jdbcUrl();

    @Nullable
    String username();

    @Nullable
    String password();
}
