package dev.pgkeep.core;

import dev.pgkeep.core.internal.CredentialRedactor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a database lives and how to log in. Parsed from {@code postgresql://user:password@host:port/db?sslmode=x}
 * or {@code jdbc:postgresql://host:port/db?user=u&password=p}. Fields left {@code null} fall back to libpq's own
 * variables ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD}) and {@code ~/.pgpass}, because
 * pgkeep hands the connection to pg_dump through its environment, never through its arguments.
 *
 * <p>{@link #toString()} and {@link #describe()} never include the password.
 */
public record DatabaseConnection(
        @Nullable String host,
        @Nullable Integer port,
        String database,
        @Nullable String user,
        @Nullable Secret password,
        Map<String, String> parameters) {

    public DatabaseConnection {
        Objects.requireNonNull(database, "database");
        if (database.isBlank()) {
            throw new BadInputException(
                    "The database name is empty; give one in the URL, e.g." + " postgresql://user@localhost:5432/mydb");
        }
        parameters = Map.copyOf(parameters);
    }

    public static DatabaseConnection of(
            String host, int port, String database, String user, @Nullable String password) {
        return new DatabaseConnection(
                host, port, database, user, password == null ? null : Secret.of(password), Map.of());
    }

    /**
     * Parses a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL. A password in the URL
     * is accepted (it is moved to the environment of the tools), but environment variables are the safer place.
     */
    public static DatabaseConnection parse(String url) {
        Objects.requireNonNull(url, "url");
        String rest;
        boolean jdbc = false;
        if (url.startsWith("jdbc:postgresql://")) {
            rest = url.substring("jdbc:postgresql://".length());
            jdbc = true;
        } else if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new BadInputException("Not a PostgreSQL URL: '" + CredentialRedactor.redact(url)
                    + "'. Use postgresql://user@host:port/dbname or jdbc:postgresql://host:port/dbname.");
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            } else {
                user = decode(userInfo);
            }
        }
        String host = null;
        Integer port = null;
        if (!rest.isEmpty()) {
            String hostPart = rest;
            int portColon = rest.lastIndexOf(':');
            if (portColon >= 0 && !rest.endsWith("]")) {
                hostPart = rest.substring(0, portColon);
                String portText = rest.substring(portColon + 1);
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw new BadInputException("Invalid port '" + portText + "' in database URL '"
                            + CredentialRedactor.redact(url) + "'.");
                }
            }
            if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
                hostPart = hostPart.substring(1, hostPart.length() - 1);
            }
            host = hostPart.isEmpty() ? null : decode(hostPart);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            switch (key) {
                case "user" -> user = value;
                case "password" -> password = value;
                case "host" -> host = value;
                case "port" -> port = Integer.valueOf(value);
                default -> params.put(key, value);
            }
        }
        String database = decode(path);
        if (database.isEmpty()) {
            throw new BadInputException("The database URL '" + CredentialRedactor.redact(url)
                    + "' names no database; add it after the" + " host, e.g. "
                    + (jdbc ? "jdbc:postgresql://localhost:5432/mydb" : "postgresql://localhost/mydb"));
        }
        return new DatabaseConnection(
                host, port, database, user, password == null ? null : Secret.of(password), params);
    }

    /** The same server and credentials, another database (used for restore targets and scratch databases). */
    public DatabaseConnection withDatabase(String otherDatabase) {
        return new DatabaseConnection(host, port, otherDatabase, user, password, parameters);
    }

    /** The environment variables that give libpq tools this connection, password included. */
    public Map<String, String> libpqEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (host != null) {
            env.put("PGHOST", host);
        }
        if (port != null) {
            env.put("PGPORT", port.toString());
        }
        if (user != null) {
            env.put("PGUSER", user);
        }
        if (password != null) {
            env.put("PGPASSWORD", password.reveal());
        }
        env.put("PGDATABASE", database);
        parameters.forEach((k, v) -> {
            String var = LIBPQ_PARAMS.get(k);
            if (var != null) {
                env.put(var, v);
            }
        });
        return env;
    }

    /** A description for messages and logs: {@code user@host:port/database}, never the password. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (user != null) {
            sb.append(user).append('@');
        }
        sb.append(host == null ? "(default host)" : host);
        if (port != null) {
            sb.append(':').append(port);
        }
        return sb.append('/').append(database).toString();
    }

    @Override
    public String toString() {
        return "DatabaseConnection[" + describe() + "]";
    }

    private static final Map<String, String> LIBPQ_PARAMS = Map.of(
            "sslmode", "PGSSLMODE",
            "sslrootcert", "PGSSLROOTCERT",
            "sslcert", "PGSSLCERT",
            "sslkey", "PGSSLKEY",
            "connect_timeout", "PGCONNECT_TIMEOUT",
            "application_name", "PGAPPNAME",
            "options", "PGOPTIONS",
            "target_session_attrs", "PGTARGETSESSIONATTRS");

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
