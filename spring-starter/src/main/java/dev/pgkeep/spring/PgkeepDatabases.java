package dev.pgkeep.spring;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

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

    @Override
    public String toString() {
        return "PgkeepDatabases"
                + ordered.stream().map(DatabaseConnection::describe).toList();
    }
}
