package dev.pgkeep.testsupport.corpus;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.cluster.ExternalCommand;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One database the corpus is written to: the {@code psql} and {@code pg_dump} to use and the libpq environment that
 * reaches the database. Made from a test {@link PostgresServer} or from any server's URL, so the generators run the
 * same against throwaway clusters and against a user's own server.
 */
public final class CorpusTarget {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

    private final Path binDir;
    private final String database;
    private final Function<String, Map<String, String>> environmentFor;
    private volatile int versionNum;
    private volatile @Nullable Set<String> availableExtensions;

    private CorpusTarget(Path binDir, String database, Function<String, Map<String, String>> environmentFor) {
        this.binDir = binDir;
        this.database = database;
        this.environmentFor = environmentFor;
    }

    /** {@code database} on a test server, as its superuser, with the server's client programs. */
    public static CorpusTarget of(PostgresServer pg, String database) {
        return new CorpusTarget(pg.binDir(), database, pg::clientEnvironment);
    }

    /**
     * The database of {@code connection}, with the programs in {@code binDir}. Variables of the current environment
     * ({@code PGPASSWORD}, {@code PGSSLMODE}, ...) stay in effect unless the connection sets them.
     */
    public static CorpusTarget of(DatabaseConnection connection, Path binDir) {
        return new CorpusTarget(binDir, connection.database(), db -> {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(connection.withDatabase(db).libpqEnvironment());
            return env;
        });
    }

    /** The same server and login, another database. */
    public CorpusTarget withDatabase(String otherDatabase) {
        return new CorpusTarget(binDir, otherDatabase, environmentFor);
    }

    /**
     * The same database, with sessions that render dates and times in UTC and ISO style whatever the database's own
     * {@code TimeZone} and {@code DateStyle} settings say ({@code PGTZ}, {@code PGDATESTYLE}).
     */
    public CorpusTarget withUtcSessions() {
        return new CorpusTarget(binDir, database, db -> {
            Map<String, String> env = new HashMap<>(environmentFor.apply(db));
            env.put("PGTZ", "UTC");
            env.put("PGDATESTYLE", "ISO, MDY");
            return env;
        });
    }

    public String database() {
        return database;
    }

    /** The folder of {@code psql}, {@code pg_dump} and {@code pg_restore}. */
    public Path binDir() {
        return binDir;
    }

    /** The libpq environment (password included) that reaches {@link #database()}. */
    public Map<String, String> environment() {
        return environmentFor.apply(database);
    }

    /** {@code server_version_num}, e.g. {@code 150018}. */
    public int serverVersionNum() {
        int v = versionNum;
        if (v == 0) {
            v = Integer.parseInt(
                    query("SELECT current_setting('server_version_num')").strip());
            versionNum = v;
        }
        return v;
    }

    /** The major version, e.g. {@code 15}. */
    public int serverMajor() {
        return serverVersionNum() / 10000;
    }

    /** Names in {@code pg_available_extensions}: what {@code CREATE EXTENSION} can install on this server. */
    public Set<String> availableExtensions() {
        Set<String> names = availableExtensions;
        if (names == null) {
            names = new LinkedHashSet<>(lines(query("SELECT name FROM pg_available_extensions ORDER BY 1")));
            availableExtensions = names;
        }
        return names;
    }

    /** Whether {@code database} exists on the server (asked through the {@code postgres} database). */
    public boolean databaseExists(String name) {
        return withDatabase("postgres")
                .query("SELECT count(*) FROM pg_database WHERE datname = " + PostgresServer.quoteLiteral(name))
                .strip()
                .equals("1");
    }

    /** Creates {@link #database()} (UTF8, from template0) through the {@code postgres} database. */
    public void createDatabase() {
        withDatabase("postgres")
                .execute("CREATE DATABASE " + PostgresServer.quoteIdentifier(database)
                        + " TEMPLATE template0 ENCODING 'UTF8'");
    }

    /**
     * Runs a script with {@code psql -X -q -v ON_ERROR_STOP=1 -f}; fails with psql's message (which names the
     * script line) when a statement fails. The script goes through a temporary file, so it may be megabytes long.
     */
    public void execute(String sql) {
        run(sql, false);
    }

    /** Runs {@code sql} with {@code psql -A -t} and returns its output without the trailing line break. */
    public String query(String sql) {
        return run(sql, true).replaceAll("[\r\n]+$", "");
    }

    private String run(String sql, boolean tuplesOnly) {
        Path script = null;
        try {
            script = Files.createTempFile("pgkeep-corpus-", ".sql");
            Files.writeString(script, sql, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(
                    binDir.resolve("psql").toString(), "-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d", database));
            if (tuplesOnly) {
                command.addAll(List.of("-A", "-t"));
            }
            command.addAll(List.of("-f", script.toString()));
            ExternalCommand.Result result = runProgram(command, environment(), DEFAULT_TIMEOUT);
            if (result.exitCode() != 0) {
                throw new IllegalStateException("psql on database '" + database + "' failed (exit " + result.exitCode()
                        + "): " + tail(result.stderr()));
            }
            return result.stdout();
        } catch (IOException e) {
            throw new IllegalStateException("Could not write a psql script: " + e.getMessage(), e);
        } finally {
            deleteQuietly(script);
        }
    }

    /**
     * Runs {@code pg_dump} with {@code arguments} against {@link #database()} and returns how many bytes it wrote to
     * standard output (the output itself is discarded).
     */
    public long pgDumpBytes(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binDir.resolve("pg_dump").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-d", database));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(environment());
            Path err = Files.createTempFile("pgkeep-corpus-", ".err");
            try {
                builder.redirectError(err.toFile());
                Process process = builder.start();
                long bytes = 0;
                byte[] buffer = new byte[1 << 16];
                try (InputStream in = process.getInputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        bytes += n;
                    }
                }
                int exit = process.waitFor();
                if (exit != 0) {
                    throw new IllegalStateException("pg_dump " + String.join(" ", arguments) + " of '" + database
                            + "' failed (exit " + exit + "): " + tail(Files.readString(err)));
                }
                return bytes;
            } finally {
                deleteQuietly(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run pg_dump: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running pg_dump", e);
        }
    }

    @Override
    public String toString() {
        return "CorpusTarget[" + database + " via " + binDir + "]";
    }

    /** Runs a program to completion; output goes to files so a chatty program never blocks on a full pipe. */
    static ExternalCommand.Result runProgram(List<String> command, Map<String, String> environment, Duration timeout) {
        return ExternalCommand.run(command, environment, null, null, timeout);
    }

    static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.split("\r?\n"));
    }

    private static String tail(String text) {
        String s = text.strip();
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }
}
