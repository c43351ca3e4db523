package dev.pgkeep.example;

import dev.pgkeep.core.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When no database is configured ({@code DATABASE_URL} and {@code spring.datasource.url} empty), starts a throwaway
 * PostgreSQL cluster (pgkeep core's {@link LocalCluster}: initdb + pg_ctl on a free loopback port), creates a small
 * {@code shop} database in it, and points the app, pgkeep's tools and a temporary backup repository at it. Everything
 * is removed when the app stops (Ctrl-C included). For trying the example; a real deployment configures its
 * database.
 */
final class ThrowawayDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    static final String PROPERTY_SOURCE = "pgkeep-example-throwaway-postgres";
    static final String DATABASE = "shop";

    private @Nullable LocalCluster cluster;
    private @Nullable Path repository;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        String url = environment.getProperty("spring.datasource.url");
        if (url != null && !url.isBlank()) {
            return;
        }
        Path serverPrograms = LocalCluster.locate("initdb", environment.getProperty("PGKEEP_PG_BIN"));
        LocalCluster started = LocalCluster.start(serverPrograms);
        cluster = started;
        Runtime.getRuntime().addShutdownHook(new Thread(this::remove, "pgkeep-example-throwaway-postgres"));
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                remove();
            }
        });
        started.psql("postgres", "CREATE DATABASE " + DATABASE);
        started.psql(DATABASE, """
                CREATE TABLE customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text UNIQUE NOT NULL);
                CREATE TABLE purchase (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    customer_id bigint NOT NULL REFERENCES customer,
                    total numeric(10, 2) NOT NULL);
                INSERT INTO customer (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 100) g;
                INSERT INTO purchase (customer_id, total) SELECT 1 + g % 100, g * 1.5 FROM generate_series(1, 1000) g;
                """);
        Map<String, Object> properties = new java.util.HashMap<>();
        properties.put(
                "spring.datasource.url", "jdbc:postgresql://" + started.host() + ":" + started.port() + "/" + DATABASE);
        properties.put("spring.datasource.username", started.superuser());
        properties.put("spring.datasource.password", started.password());
        properties.put("pgkeep.tools.bin-dir", started.binDir().toString());
        String configuredRepository = environment.getProperty("PGKEEP_REPO");
        if (configuredRepository == null || configuredRepository.isBlank()) {
            try {
                repository = Files.createTempDirectory("pgkeep-example-backups-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            properties.put("pgkeep.repository", repository.toString());
        }
        properties.put("example.throwaway.description", started + ", removed on exit");
        properties.put("example.throwaway.folder", started.folder().toString());
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
    }

    private synchronized void remove() {
        LocalCluster c = cluster;
        if (c != null) {
            c.close();
        }
        if (repository != null) {
            LocalCluster.deleteTree(repository);
        }
    }
}
