package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a restore needs to know of and do to its target database, through psql on the server's maintenance database. */
public final class TargetDatabases {
    private static final Logger log = LoggerFactory.getLogger(TargetDatabases.class);

    private final PgTools tools;

    public TargetDatabases(PgTools tools) {
        this.tools = tools;
    }

    /**
     * Whether the target exists, how many user tables it holds, its server's version, and whether it is a template
     * database ({@code pg_database.datistemplate}: every {@code CREATE DATABASE} may copy it).
     */
    public record State(boolean exists, int userTables, String serverVersion, boolean template) {}

    public State inspect(DatabaseConnection target) {
        String[] existsAndVersion = tools.psqlValue(
                        maintenance(target),
                        "SELECT count(*), current_setting('server_version'), coalesce(bool_or(datistemplate), false)"
                                + " FROM pg_database WHERE datname = " + SqlText.literal(target.database()))
                .split("\t");
        String serverVersion = existsAndVersion.length > 1 ? existsAndVersion[1].strip() : "";
        boolean template =
                existsAndVersion.length > 2 && existsAndVersion[2].strip().equals("t");
        if ("0".equals(existsAndVersion[0])) {
            return new State(false, 0, serverVersion, false);
        }
        String tables = tools.psqlValue(
                target,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                        + " c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog',"
                        + " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
        return new State(true, Integer.parseInt(tables), serverVersion, template);
    }

    /** The server's version, asked on its maintenance database (the target itself may not exist yet). */
    public String serverVersion(DatabaseConnection target) {
        return tools.serverVersion(maintenance(target));
    }

    /** A plain database from {@code template0}. */
    public void create(DatabaseConnection target) {
        tools.psql(
                maintenance(target),
                "CREATE DATABASE " + SqlText.identifier(target.database()) + " TEMPLATE template0");
    }

    /**
     * The target as {@code createStatement} makes it, then each of {@code statements} (settings, comment, grants);
     * a failing create falls back to {@link #create(DatabaseConnection)} and a failing statement is skipped, each
     * with a warning: the database's own properties never fail a restore.
     */
    public void create(DatabaseConnection target, String createStatement, List<String> statements) {
        DatabaseConnection maintenance = maintenance(target);
        try {
            tools.psql(maintenance, createStatement);
        } catch (PgkeepException e) {
            log.warn(
                    "Could not create {} with the source's encoding and locale ({}): {}; creating it with the server's"
                            + " defaults",
                    target.database(),
                    createStatement,
                    e.getMessage());
            create(target);
        }
        for (String statement : statements) {
            try {
                tools.psql(maintenance, statement);
            } catch (PgkeepException e) {
                log.warn(
                        "Could not apply the source database's {} to {}: {}",
                        statement,
                        target.database(),
                        e.getMessage());
            }
        }
    }

    /**
     * Drops the target, disconnecting its sessions; a failure is logged (it is cleanup after a failure). A database
     * holding subscriptions (restored ones are never connected) cannot be dropped, even with FORCE, so they are
     * dropped first, detached from their replication slots, which belong to the publisher.
     */
    public void dropQuietly(DatabaseConnection target) {
        try {
            String subscriptions = tools.psqlValue(
                    maintenance(target),
                    "SELECT quote_ident(s.subname) FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                            + " WHERE d.datname = " + SqlText.literal(target.database()));
            if (!subscriptions.isBlank()) {
                StringBuilder sql = new StringBuilder();
                for (String name : subscriptions.split("\n")) {
                    sql.append("ALTER SUBSCRIPTION ")
                            .append(name)
                            .append(" DISABLE; ALTER SUBSCRIPTION ")
                            .append(name)
                            .append(" SET (slot_name = NONE); DROP SUBSCRIPTION ")
                            .append(name)
                            .append("; ");
                }
                tools.psql(target, sql.toString());
            }
        } catch (PgkeepException e) {
            log.debug("Could not drop the subscriptions of {}: {}", target.database(), e.getMessage());
        }
        try {
            tools.psql(
                    maintenance(target),
                    "DROP DATABASE IF EXISTS " + SqlText.identifier(target.database()) + " WITH (FORCE)");
        } catch (PgkeepException e) {
            log.warn("Could not drop the database {}: {}", target.database(), e.getMessage());
        }
    }

    /** The server's {@code postgres} database ({@code template1} when the target is {@code postgres}). */
    public static DatabaseConnection maintenance(DatabaseConnection target) {
        return target.withDatabase(target.database().equals("postgres") ? "template1" : "postgres");
    }
}
