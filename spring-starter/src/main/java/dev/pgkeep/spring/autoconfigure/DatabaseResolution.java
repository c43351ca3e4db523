package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Secret;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.PgkeepStartupException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/** Finds the databases pgkeep backs up in the host's configuration. */
final class DatabaseResolution {
    private DatabaseResolution() {}

    /**
     * Resolves the configured databases: {@code pgkeep.database.*} when its URL is set, else the host's connection as
     * Boot resolved it ({@code JdbcConnectionDetails}: {@code @ServiceConnection}, Docker Compose, a platform, else
     * {@code spring.datasource.*}), else {@code spring.datasource.*}, else the host's DataSource; then
     * {@code pgkeep.databases[*]}.
     */
    static PgkeepDatabases resolve(
            PgkeepProperties properties,
            Environment environment,
            @Nullable HostConnection host,
            @Nullable DataSource dataSource) {
        List<DatabaseConnection> connections = new ArrayList<>();
        PgkeepProperties.Database main = properties.getDatabase();
        String url;
        String user;
        String password;
        String from;
        if ((main.getUrl() == null || main.getUrl().isBlank()) && host != null) {
            from = "the application's JDBC connection details";
            url = host.jdbcUrl();
            user = firstNonBlank(main.getUsername(), host.username());
            password = firstNonBlank(main.getPassword(), host.password());
        } else {
            from = main.getUrl() != null && !main.getUrl().isBlank() ? "pgkeep.database.url" : "spring.datasource.url";
            url = firstNonBlank(main.getUrl(), environment.getProperty("spring.datasource.url"));
            user = firstNonBlank(main.getUsername(), environment.getProperty("spring.datasource.username"));
            password = firstNonBlank(main.getPassword(), environment.getProperty("spring.datasource.password"));
        }
        if (url == null && dataSource != null) {
            from = "the application DataSource's URL";
            try (Connection c = dataSource.getConnection()) {
                DatabaseMetaData meta = c.getMetaData();
                url = meta.getURL();
                user = user != null ? user : meta.getUserName();
            } catch (SQLException e) {
                throw new PgkeepStartupException(
                        "pgkeep cannot read the database URL from the application's DataSource (" + e.getMessage()
                                + ").",
                        "Set pgkeep.database.url or spring.datasource.url.",
                        e);
            }
        }
        if (url == null) {
            throw new PgkeepStartupException(
                    "pgkeep has no database to back up.",
                    "Set spring.datasource.url or pgkeep.database.url (jdbc:postgresql://host:5432/db), or"
                            + " pgkeep.enabled=false.");
        }
        if (!from.equals("pgkeep.database.url")) {
            Map<String, String> driverProperties = Binder.get(environment)
                    .bind(HIKARI_PROPERTIES, Bindable.mapOf(String.class, String.class))
                    .orElse(Map.of());
            if (!driverProperties.isEmpty()) {
                url = withQuery(url, driverProperties);
                from = from + " with " + HIKARI_PROPERTIES + ".*";
            }
        }
        connections.add(connection(url, user, password, from));
        for (int i = 0; i < properties.getDatabases().size(); i++) {
            PgkeepProperties.Database extra = properties.getDatabases().get(i);
            String extraUrl = extra.getUrl();
            if (extraUrl == null || extraUrl.isBlank()) {
                throw new PgkeepStartupException(
                        "pgkeep.databases[" + i + "].url is not set.",
                        "Give each extra database a JDBC or postgresql:// URL.");
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
            throw new PgkeepStartupException(
                    property + ": " + e.getMessage(),
                    "Fix " + property + ": jdbc:postgresql://host:5432/db or postgresql://user@host:5432/db, with"
                            + " only the parameters pg_dump understands.",
                    e);
        }
        return new DatabaseConnection(
                parsed.host(),
                parsed.port(),
                parsed.database(),
                user != null ? user : parsed.user(),
                password != null ? Secret.of(password) : parsed.password(),
                parsed.parameters());
    }

    /**
     * Driver properties the host's pool gives its pgjdbc on top of the URL; {@code ssl=true} there secures the
     * application's connection, so it must reach the tools too (and what they cannot honour is refused).
     */
    static final String HIKARI_PROPERTIES = "spring.datasource.hikari.data-source-properties";

    private static String withQuery(String url, Map<String, String> parameters) {
        StringBuilder sb = new StringBuilder(url).append(url.contains("?") ? '&' : '?');
        String sep = "";
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = "&";
        }
        return sb.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static @Nullable String firstNonBlank(@Nullable String a, @Nullable String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
