package dev.pgkeep.core;

import dev.pgkeep.core.internal.CredentialRedactor;
import dev.pgkeep.core.internal.postgres.ConnectionParameters;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
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
        if (database.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            // the server would cut it to 63 bytes: another name for another database, lock and repository folder
            throw new BadInputException("The database name '" + database + "' is "
                    + database.getBytes(StandardCharsets.UTF_8).length + " bytes long; PostgreSQL names are at most "
                    + MAX_NAME_BYTES + " bytes (UTF-8).");
        }
        requireNoNul("database name", database);
        requireNoNul("user name", user);
        requireNoNul("host", host);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(ConnectionParameters.requireLibpq(parameters)));
    }

    /** The longest name PostgreSQL keeps (NAMEDATALEN - 1), in bytes. */
    static final int MAX_NAME_BYTES = 63;

    private static void requireNoNul(String what, @Nullable String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new BadInputException("The " + what + " holds a NUL character, which no PostgreSQL name can.");
        }
    }

    public static DatabaseConnection of(
            String host, int port, String database, String user, @Nullable String password) {
        return new DatabaseConnection(
                host, port, database, user, password == null ? null : Secret.of(password), Map.of());
    }

    /**
     * Parses a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL. A password in the URL
     * is accepted (it is moved to the environment of the tools), but environment variables are the safer place.
     *
     * <p>Query parameters are libpq's connection keywords that have an environment variable ({@code sslmode},
     * {@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code sslcrl}, {@code connect_timeout},
     * {@code application_name}, {@code options}, {@code target_session_attrs}...) and pgjdbc's names for them:
     * {@code ssl=true} means {@code sslmode=verify-full} unless an {@code sslmode} is given, as pgjdbc reads it;
     * {@code ApplicationName}, {@code connectTimeout}, {@code targetServerType} are translated; settings of the Java
     * driver alone ({@code loginTimeout}, {@code socketTimeout}, {@code prepareThreshold}...) are ignored. Any other
     * parameter is refused ({@link BadInputException}) rather than ignored.
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
        String queryText = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            queryText = rest.substring(q + 1);
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
        if (rest.contains(",")) {
            throw new BadInputException("The database URL '" + CredentialRedactor.redact(url) + "' names several"
                    + " hosts; pgkeep backs up through one: give the host to dump from (e.g. a replica or the"
                    + " primary).");
        }
        if (!rest.isEmpty()) {
            String hostPart = rest;
            int portColon = rest.lastIndexOf(':');
            if (portColon >= 0 && !rest.endsWith("]")) {
                hostPart = rest.substring(0, portColon);
                port = port(rest.substring(portColon + 1), url);
            }
            if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
                hostPart = hostPart.substring(1, hostPart.length() - 1);
            }
            host = hostPart.isEmpty() ? null : decode(hostPart);
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : queryText.split("&")) {
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
                case "port" -> port = port(value, url);
                default -> query.put(key, value);
            }
        }
        String database = decode(path);
        if (database.isEmpty()) {
            throw new BadInputException("The database URL '" + CredentialRedactor.redact(url)
                    + "' names no database; add it after the" + " host, e.g. "
                    + (jdbc ? "jdbc:postgresql://localhost:5432/mydb" : "postgresql://localhost/mydb"));
        }
        return new DatabaseConnection(
                host,
                port,
                database,
                user,
                password == null ? null : Secret.of(password),
                ConnectionParameters.fromUrl(query));
    }

    private static int port(String text, String url) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(
                "Invalid port '" + text + "' in database URL '" + CredentialRedactor.redact(url) + "'.");
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
        env.putAll(ConnectionParameters.environment(parameters));
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

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
