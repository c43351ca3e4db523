package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Secret;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The databases pgkeep backs up: the default one first ({@code pgkeep.database.*}, else {@code spring.datasource.*},
 * else the host's {@link DataSource}), then {@code pgkeep.databases[*]}. Addressed by database name.
 */
public final class PgkeepDatabases {
    private final Map<String, DatabaseConnection> byName;
    private final List<DatabaseConnection> ordered;

    public PgkeepDatabases(List<DatabaseConnection> connections) {
        if (connections.isEmpty()) {
            throw new IllegalArgumentException("at least one database");
        }
        Map<String, DatabaseConnection> map = new LinkedHashMap<>();
        for (DatabaseConnection c : connections) {
            if (map.putIfAbsent(c.database(), c) != null) {
                throw new BadInputException("Database '" + c.database() + "' is configured twice in pgkeep.database"
                        + " / pgkeep.databases; list each database once.");
            }
        }
        this.byName = Map.copyOf(map);
        this.ordered = List.copyOf(connections);
    }

    /** The database backed up when a request names none. */
    public DatabaseConnection primary() {
        return ordered.get(0);
    }

    /** Every configured database, the default one first. */
    public List<DatabaseConnection> all() {
        return ordered;
    }

    public Optional<DatabaseConnection> byName(String database) {
        return Optional.ofNullable(byName.get(database));
    }

    /** Resolves the configured databases from properties, {@code spring.datasource.*} and the host's DataSource. */
    static PgkeepDatabases resolve(
            PgkeepProperties properties, Environment environment, @Nullable DataSource dataSource) {
        List<DatabaseConnection> connections = new ArrayList<>();
        PgkeepProperties.Database main = properties.getDatabase();
        String url = firstNonBlank(main.getUrl(), environment.getProperty("spring.datasource.url"));
        String user = firstNonBlank(main.getUsername(), environment.getProperty("spring.datasource.username"));
        String password = firstNonBlank(main.getPassword(), environment.getProperty("spring.datasource.password"));
        if (url == null && dataSource != null) {
            try (Connection c = dataSource.getConnection()) {
                DatabaseMetaData meta = c.getMetaData();
                url = meta.getURL();
                user = user != null ? user : meta.getUserName();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "pgkeep cannot read the database URL from the application's DataSource (" + e.getMessage()
                                + "); set pgkeep.database.url or spring.datasource.url.",
                        e);
            }
        }
        if (url == null) {
            throw new IllegalStateException("pgkeep has no database to back up: set spring.datasource.url or"
                    + " pgkeep.database.url (jdbc:postgresql://host:5432/db), or pgkeep.enabled=false.");
        }
        connections.add(connection(url, user, password, "pgkeep.database.url"));
        for (int i = 0; i < properties.getDatabases().size(); i++) {
            PgkeepProperties.Database extra = properties.getDatabases().get(i);
            String extraUrl = extra.getUrl();
            if (extraUrl == null || extraUrl.isBlank()) {
                throw new IllegalStateException("pgkeep.databases[" + i + "].url is not set; give each extra"
                        + " database a JDBC or postgresql:// URL.");
            }
            connections.add(connection(
                    extraUrl,
                    firstNonBlank(extra.getUsername(), user),
                    firstNonBlank(extra.getPassword(), password),
                    "pgkeep.databases[" + i + "].url"));
        }
        return new PgkeepDatabases(connections);
    }

    private static DatabaseConnection connection(
            String url, @Nullable String user, @Nullable String password, String property) {
        DatabaseConnection parsed;
        try {
            parsed = DatabaseConnection.parse(url);
        } catch (BadInputException e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
        return new DatabaseConnection(
                parsed.host(),
                parsed.port(),
                parsed.database(),
                user != null ? user : parsed.user(),
                password != null ? Secret.of(password) : parsed.password(),
                parsed.parameters());
    }

    private static @Nullable String firstNonBlank(@Nullable String a, @Nullable String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    @Override
    public String toString() {
        return "PgkeepDatabases"
                + ordered.stream().map(DatabaseConnection::describe).toList();
    }
}
