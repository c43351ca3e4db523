package dev.pgkeep.testsupport;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL 15+ server for tests. It runs in a container (Testcontainers, {@code postgres:15}) when
 * {@code testcontainers-postgresql} is on the class path and a Docker engine is reachable, otherwise as a local cluster made by {@code initdb} in a temporary folder, using the
 * programs in {@code PGKEEP_PG_BIN}, the newest {@code /usr/lib/postgresql/<major>/bin}, or PATH.
 *
 * <p>{@link #shared()} gives one server per JVM, which tests in many classes share (each test uses its own database
 * names, see {@link #uniqueDatabaseName(String)}); {@link #start()} gives a private one for tests that stop or break
 * servers. Setting {@code PGKEEP_TEST_POSTGRES=local} skips the Docker probe.
 *
 * <p>The superuser password is random per server; client programs get it through {@code PGPASSWORD}, never argv.
 */
public final class PostgresServer implements AutoCloseable {
    private static final String SUPERUSER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private static @Nullable PostgresServer shared;
    private static @Nullable RuntimeException sharedFailure;

    private final ServerProcess process;
    private final String password;
    private final Path binDir;
    private final Thread shutdownHook;
    private volatile @Nullable String serverVersion;
    private volatile boolean closed;

    private PostgresServer(ServerProcess process, String password, Path binDir) {
        this.process = process;
        this.password = password;
        this.binDir = binDir;
        this.shutdownHook = new Thread(process::stop, "pgkeep-postgres-stop");
    }

    /**
     * The server shared by every test in this JVM, started on first use and stopped by a JVM shutdown hook. Do not
     * close it. When it cannot start, every call fails fast with the first failure as the cause.
     */
    public static synchronized PostgresServer shared() {
        if (shared != null) {
            return shared;
        }
        if (sharedFailure != null) {
            throw new IllegalStateException(
                    "The shared PostgreSQL server failed to start earlier: " + sharedFailure.getMessage(),
                    sharedFailure);
        }
        try {
            shared = start();
            return shared;
        } catch (RuntimeException e) {
            sharedFailure = e;
            throw e;
        }
    }

    /** A new private server; close it when done (a JVM shutdown hook stops it too, should a test forget). */
    public static PostgresServer start() {
        String password = LocalCluster.randomPassword(24);
        String mode = Objects.requireNonNullElse(System.getenv("PGKEEP_TEST_POSTGRES"), "auto");
        PostgresServer server = null;
        if (!mode.equals("local") && containersPossible()) {
            Path clientBin = PostgresBinaries.locate("psql");
            try {
                server = new PostgresServer(ContainerServer.start(SUPERUSER, password), password, clientBin);
            } catch (RuntimeException e) {
                // a reachable engine may still fail to pull or run the image; a local cluster keeps tests going
                log.warn("PostgreSQL container did not start ({}); using a local cluster instead", e.toString());
            }
        }
        if (server == null) {
            Path serverBin = PostgresBinaries.locate("initdb");
            server = new PostgresServer(local(LocalCluster.start(serverBin, SUPERUSER, password)), password, serverBin);
        }
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        return server;
    }

    /**
     * Whether a container can run: testcontainers-postgresql (an optional dependency of pgkeep-test) is on the class
     * path and reaches a Docker engine. Checked by name first, so that {@link ContainerServer} is never loaded
     * without it.
     */
    private static boolean containersPossible() {
        try {
            Class.forName(
                    "org.testcontainers.postgresql.PostgreSQLContainer", false, PostgresServer.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return ContainerServer.dockerAvailable();
    }

    /**
     * A new private local cluster (never a container) run by the {@code initdb}, {@code pg_ctl} and {@code postgres}
     * in {@code serverBinDir}, whatever {@code PGKEEP_PG_BIN} says; {@link #binDir()} (and so {@link #psql}) is
     * {@code clientBinDir}, which may hold newer client programs when the server folder has none. For tests that run
     * against several PostgreSQL majors in one JVM.
     */
    public static PostgresServer start(Path serverBinDir, Path clientBinDir) {
        return local(serverBinDir, clientBinDir, Map.of(), Map.of());
    }

    /**
     * A new private local cluster (never a container) whose {@code postgresql.conf} also holds {@code settings}, with
     * {@code dataFiles} written into its data folder (readable by the server only), e.g. {@code ssl=on} with
     * {@code server.crt} and {@code server.key} for a server that speaks TLS.
     */
    public static PostgresServer startLocal(Map<String, String> settings, Map<String, byte[]> dataFiles) {
        Path serverBin = PostgresBinaries.locate("initdb");
        return local(serverBin, serverBin, settings, dataFiles);
    }

    private static PostgresServer local(
            Path serverBinDir, Path clientBinDir, Map<String, String> settings, Map<String, byte[]> dataFiles) {
        String password = LocalCluster.randomPassword(24);
        PostgresServer server = new PostgresServer(
                local(LocalCluster.start(serverBinDir, SUPERUSER, password, settings, dataFiles)),
                password,
                clientBinDir);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        return server;
    }

    /** core's {@link LocalCluster} as one of the server kinds this class drives. */
    private static ServerProcess local(LocalCluster cluster) {
        return new ServerProcess() {
            @Override
            public String host() {
                return cluster.host();
            }

            @Override
            public int port() {
                return cluster.port();
            }

            @Override
            public void stop() {
                cluster.close();
            }

            @Override
            public void restart() {
                cluster.restart();
            }

            @Override
            public String describe() {
                return cluster.toString();
            }
        };
    }

    /**
     * Stops the server at once, as a crash would (every session is cut), and starts it again on the same port with the
     * same data; for tests of what a server restart does to a running operation. Local clusters only.
     */
    public void restart() {
        process.restart();
    }

    /** The address to connect to: {@code 127.0.0.1} for a local cluster. */
    public String host() {
        return process.host();
    }

    public int port() {
        return process.port();
    }

    /** {@code postgres}. */
    public String superuser() {
        return SUPERUSER;
    }

    /** The superuser's password (random per server); pass it through the environment, never argv. */
    public String password() {
        return password;
    }

    /**
     * The folder of the PostgreSQL programs ({@code psql}, {@code pg_dump}, {@code pg_restore}) matching the server;
     * for a container, the local client programs.
     */
    public Path binDir() {
        return binDir;
    }

    /** The server's version as it reports it, e.g. {@code 15.14}. */
    public String serverVersion() {
        String version = serverVersion;
        if (version == null) {
            version = psql("postgres", "SELECT current_setting('server_version')")
                    .strip()
                    .split(" ")[0];
            serverVersion = version;
        }
        return version;
    }

    /** The server's major version, e.g. {@code 15}. */
    public int serverMajorVersion() {
        return Integer.parseInt(serverVersion().split("\\.")[0].replaceAll("\\D.*", ""));
    }

    /** How pgkeep connects to {@code database} on this server as the superuser. */
    public DatabaseConnection connection(String database) {
        return DatabaseConnection.of(host(), port(), database, SUPERUSER, password);
    }

    /** {@code postgresql://postgres:PASSWORD@127.0.0.1:PORT/database}, for CLI tests (the password is URL-safe). */
    public String url(String database) {
        return "postgresql://" + SUPERUSER + ":" + password + "@" + host() + ":" + port() + "/" + database;
    }

    /** {@code postgresql://postgres@127.0.0.1:PORT/database}; give the password through {@code PGPASSWORD}. */
    public String urlWithoutPassword(String database) {
        return "postgresql://" + SUPERUSER + "@" + host() + ":" + port() + "/" + database;
    }

    /** Creates an empty database (UTF8, from template0 so it does not inherit whatever template1 holds). */
    public void createDatabase(String name) {
        psql("postgres", "CREATE DATABASE " + quoteIdentifier(name) + " TEMPLATE template0 ENCODING 'UTF8'");
    }

    /** Drops a database if it exists, disconnecting its sessions first. */
    public void dropDatabase(String name) {
        psql("postgres", "DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
    }

    /** Whether a database of that name exists. */
    public boolean databaseExists(String name) {
        return psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = " + quoteLiteral(name))
                .strip()
                .equals("1");
    }

    /**
     * Runs {@code sql} (one or more statements, given on standard input) with the real {@code psql -X -A -t -q -v
     * ON_ERROR_STOP=1} as the superuser, and returns its standard output without trailing line breaks. Fails with
     * psql's standard error in the message when a statement fails.
     */
    public String psql(String database, String sql) {
        return LocalCluster.psql(binDir, connection(database), sql);
    }

    /**
     * Opens a psql session on {@code database} as the superuser, runs {@code sql} in it and returns once it ran, with
     * the session kept open: e.g. {@code BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE;} holds that lock until the
     * returned session is closed.
     */
    public HeldSession hold(String database, String sql) {
        return HeldSession.start(this, database, sql);
    }

    /**
     * The environment for a libpq client program talking to {@code database} as the superuser: the inherited one
     * without any {@code PG*} variables, plus {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD},
     * {@code PGDATABASE}.
     */
    public Map<String, String> clientEnvironment(String database) {
        return LocalCluster.clientEnvironment(connection(database));
    }

    /** A fresh database name: {@code prefix} lowercased (non {@code [a-z0-9_]} become {@code _}) plus a random suffix. */
    public static String uniqueDatabaseName(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return clean + "_" + LocalCluster.randomPassword(10).toLowerCase(Locale.ROOT);
    }

    /** {@code "name"} with embedded double quotes doubled. */
    public static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code 'text'} with embedded single quotes doubled (standard_conforming_strings is on by default). */
    public static String quoteLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Stops the server and removes its files; calling it on {@link #shared()} is ignored. */
    @Override
    public void close() {
        synchronized (PostgresServer.class) {
            if (this == shared) {
                return;
            }
        }
        stopNow();
    }

    private void stopNow() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs stop itself
        }
        process.stop();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + process.describe() + ", " + host() + ":" + port() + "]";
    }
}
