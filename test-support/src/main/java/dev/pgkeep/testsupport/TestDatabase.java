package dev.pgkeep.testsupport;

import dev.pgkeep.core.DatabaseConnection;

/**
 * One database on a throwaway {@link PostgresServer}, as {@code @PgkeepPostgres} gives it to a test class: how to
 * reach it (pgkeep's {@link DatabaseConnection}, a JDBC URL for the application's own data source) and a few helpers.
 * Every way in connects as the server's superuser.
 *
 * @param server the throwaway server
 * @param name the database's name
 */
public record TestDatabase(PostgresServer server, String name) {

    /** How pgkeep connects to it. */
    public DatabaseConnection connection() {
        return server.connection(name);
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/name}, for a {@code DataSource}; use {@link #user()} and {@link #password()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + name;
    }

    /** {@code postgresql://postgres:PASSWORD@127.0.0.1:PORT/name}, as the pgkeep CLI's {@code --db} takes it. */
    public String url() {
        return server.url(name);
    }

    /** The superuser the server was made with. */
    public String user() {
        return server.superuser();
    }

    /** The superuser's random password. */
    public String password() {
        return server.password();
    }

    /** Runs SQL with {@code psql} in this database and returns its unaligned, tuples-only output. */
    public String psql(String sql) {
        return server.psql(name, sql);
    }

    /** What the database holds now, to compare with another database or with itself later. */
    public DatabaseFingerprint fingerprint() {
        return DatabaseFingerprint.of(server, name);
    }
}
