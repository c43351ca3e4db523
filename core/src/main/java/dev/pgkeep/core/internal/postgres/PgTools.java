package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.spi.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the PostgreSQL client programs of every installed major and runs the short ones (version checks, psql
 * queries). {@link #forServer(int)} picks, per server, the tools of the server's own major, else the nearest newer
 * one: pg_dump refuses newer servers, and the tools of the same major write what that server understands.
 */
public final class PgTools {
    private static final Logger log = LoggerFactory.getLogger(PgTools.class);
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");
    private static final Pattern TOOL_VERSION = Pattern.compile("\\) (\\d+(?:\\.\\d+)?)");

    private final List<Path> folders;
    private final ProcessRunner runner;
    private final PostgresTools.@Nullable Installation bound;
    private final @Nullable String configuredFrom;
    private volatile @Nullable List<PostgresTools.Installation> installations;

    private PgTools(
            List<Path> folders,
            ProcessRunner runner,
            PostgresTools.@Nullable Installation bound,
            @Nullable String configuredFrom,
            @Nullable List<PostgresTools.Installation> installations) {
        this.folders = List.copyOf(folders);
        this.runner = runner instanceof Untranslated ? runner : new Untranslated(runner);
        this.bound = bound;
        this.configuredFrom = configuredFrom;
        this.installations = installations;
    }

    /**
     * Uses the {@code configured} folders when given, else the folders in {@code PGKEEP_PG_BIN} (separated by
     * {@code :}), else every standard place: Debian's {@code /usr/lib/postgresql/<major>/bin}, RHEL's
     * {@code /usr/pgsql-<major>/bin}, Homebrew's {@code postgresql@<major>}, and the folder of the pg_dump on PATH.
     * With none found, programs are run by bare name (for a {@link ProcessRunner} that runs them elsewhere).
     */
    public static PgTools locate(List<Path> configured, ProcessRunner runner) {
        if (!configured.isEmpty()) {
            return new PgTools(
                    ToolFolders.requireClientFolders(configured, "the configured tools folders"),
                    runner,
                    null,
                    "",
                    null);
        }
        String env = System.getenv("PGKEEP_PG_BIN");
        if (env != null && !env.isBlank()) {
            return new PgTools(
                    ToolFolders.requireClientFolders(ToolFolders.split(env), "PGKEEP_PG_BIN"),
                    runner,
                    null,
                    "PGKEEP_PG_BIN",
                    null);
        }
        return new PgTools(ToolFolders.standard(), runner, null, null, null);
    }

    /** {@link #locate(List, ProcessRunner)} for one folder or none. */
    public static PgTools locate(@Nullable Path configured, ProcessRunner runner) {
        return locate(configured == null ? List.of() : List.of(configured), runner);
    }

    /**
     * pgkeep reads the tools' messages (pg_dump's {@code finished item} log, pg_restore's {@code unsupported
     * version}, libpq's connection errors); under a host locale that translates them (German pg_restore says
     * {@code nicht unterstützte Version}) a good backup of a newer pg_dump would pass for a damaged one, and a
     * parallel backup would know no table complete before pg_dump exits. Every tool so runs with
     * {@code LC_MESSAGES=C}, which turns gettext off (it ignores {@code LANGUAGE} then), and an empty
     * {@code LC_ALL}, which lets that apply and leaves the character type to {@code LANG}.
     */
    private record Untranslated(ProcessRunner delegate) implements ProcessRunner {
        @Override
        public RunningProcess start(
                List<String> command, Map<String, String> environment, @Nullable Path workingDirectory)
                throws IOException {
            return delegate.start(command, environment(environment), workingDirectory);
        }

        static Map<String, String> environment(Map<String, String> environment) {
            Map<String, String> env = new java.util.LinkedHashMap<>(environment);
            env.put("LC_ALL", "");
            env.put("LC_MESSAGES", "C");
            return env;
        }
    }

    /** Starts the tools, with their messages untranslated (see {@link Untranslated}). */
    public ProcessRunner runner() {
        return runner;
    }

    /**
     * Every installation found, oldest major first, each with its {@code pg_dump --version}; folders whose pg_dump
     * does not answer are left out (with a warning).
     */
    public List<PostgresTools.Installation> installations() {
        List<PostgresTools.Installation> known = installations;
        if (known != null) {
            return known;
        }
        List<PostgresTools.Installation> result = new ArrayList<>();
        if (folders.isEmpty()) {
            try {
                result.add(installation(null));
            } catch (PgkeepException e) {
                log.debug("No pg_dump on PATH: {}", e.getMessage());
            }
        }
        for (Path folder : folders) {
            try {
                result.add(installation(folder));
            } catch (PgkeepException e) {
                log.warn("Ignoring the PostgreSQL tools in {}: {}", folder, e.getMessage());
            }
        }
        result.sort(Comparator.comparingInt(PostgresTools.Installation::major)
                .thenComparing(PostgresTools.Installation::version));
        known = List.copyOf(result);
        installations = known;
        return known;
    }

    private PostgresTools.Installation installation(@Nullable Path folder) {
        String pgDump = folder == null ? "pg_dump" : folder.resolve("pg_dump").toString();
        String version = versionOf(pgDump);
        Set<String> programs = new LinkedHashSet<>();
        for (String p : PostgresTools.CLIENT_PROGRAMS) {
            if (folder == null || Files.isExecutable(folder.resolve(p))) {
                programs.add(p);
            }
        }
        return new PostgresTools.Installation(folder, version, major(version), Set.copyOf(programs));
    }

    /**
     * The tools for a server (or an archive) of major {@code minMajor}: those of that very major, else of the
     * nearest newer one. Fails naming what was needed and every version found.
     */
    public PgTools forServer(int minMajor, String forWhat) {
        List<PostgresTools.Installation> all = installations();
        PostgresTools.Installation chosen = all.stream()
                .filter(i -> i.major() >= minMajor)
                .findFirst()
                .orElseThrow(() -> new PgkeepException(noToolsMessage(minMajor, forWhat, all))
                        .withRemedy(PgkeepException.Remedy.TOOLS, String.valueOf(minMajor)));
        return new PgTools(folders, runner, chosen, configuredFrom, all);
    }

    private String noToolsMessage(int minMajor, String forWhat, List<PostgresTools.Installation> all) {
        String found = all.isEmpty()
                ? "none"
                : all.stream()
                        .map(i -> (i.binDir() == null ? "pg_dump" : i.binDir().resolve("pg_dump")) + " " + i.version())
                        .collect(Collectors.joining(", "));
        if (all.size() == 1 && all.get(0).major() < minMajor) {
            PostgresTools.Installation only = all.get(0);
            return "pg_dump " + only.version() + " ("
                    + (only.binDir() == null ? "pg_dump" : only.binDir().resolve("pg_dump"))
                    + ") is older than the server " + forWhat + "; install the PostgreSQL " + minMajor
                    + " client tools or newer and add their folder to pgkeep's tools folders (PGKEEP_PG_BIN).";
        }
        return "No PostgreSQL client tools of major " + minMajor + " or newer for " + forWhat
                + " (pg_dump and pg_restore must be of the server's major version or newer); found: " + found
                + ". Install the PostgreSQL " + minMajor + " client tools (e.g. postgresql-client-" + minMajor
                + ") and add their bin folder to pgkeep's tools folders (PGKEEP_PG_BIN, several separated by ':').";
    }

    /** What was found, and what a {@code server} (optional) gets; never throws for missing tools or servers. */
    public PostgresTools report(@Nullable DatabaseConnection server) {
        List<PostgresTools.Installation> found = installations();
        if (server == null) {
            return new PostgresTools(
                    found, null, null, null, found.isEmpty() ? "no PostgreSQL client tools found" : null);
        }
        String serverVersion;
        try {
            serverVersion = serverVersion(server);
        } catch (PgkeepException e) {
            return new PostgresTools(found, server.describe(), null, null, e.getMessage());
        }
        try {
            PostgresTools.Installation chosen = forServer(
                            major(serverVersion), "PostgreSQL " + serverVersion + " (" + server.describe() + ")")
                    .installation();
            return new PostgresTools(found, server.describe(), serverVersion, chosen, null);
        } catch (PgkeepException e) {
            return new PostgresTools(found, server.describe(), serverVersion, null, e.getMessage());
        }
    }

    /** The installation these tools are bound to by {@link #forServer}, else the newest one found. */
    public PostgresTools.Installation installation() {
        PostgresTools.@Nullable Installation chosen = bound;
        if (chosen != null) {
            return chosen;
        }
        List<PostgresTools.Installation> all = installations();
        if (all.isEmpty()) {
            throw new PgkeepException("No PostgreSQL client tools found (looked in "
                    + (folders.isEmpty() ? "PATH" : folders.toString())
                    + "). Install them (e.g. postgresql-client) or name their folders (PGKEEP_PG_BIN).");
        }
        return all.get(all.size() - 1);
    }

    /** The path (or bare name, resolved through PATH) of a PostgreSQL program of {@link #installation()}. */
    public String program(String name) {
        PostgresTools.@Nullable Installation chosen = bound;
        if (chosen == null) {
            List<PostgresTools.Installation> all = installations();
            if (all.isEmpty()) {
                return folders.isEmpty() ? name : folders.get(0).resolve(name).toString();
            }
            chosen = all.get(all.size() - 1);
        }
        return chosen.program(name);
    }

    /** {@code <program> --version}'s number, e.g. {@code 15.18}. */
    public String toolVersion(String name) {
        return versionOf(program(name));
    }

    private String versionOf(String program) {
        Result result = run(List.of(program, "--version"), Map.of(), null, 30);
        if (result.exitCode != 0) {
            throw new PgkeepException(program + " --version failed: " + result.stderrTail());
        }
        Matcher m = TOOL_VERSION.matcher(result.stdout);
        if (!m.find()) {
            throw new PgkeepException("Cannot read the version of " + program + " from: " + result.stdout.strip());
        }
        return m.group(1);
    }

    /** The server's version, e.g. {@code 15.18}, asked through psql. */
    public String serverVersion(DatabaseConnection db) {
        String v = psqlValue(db, "SHOW server_version");
        Matcher m = VERSION.matcher(v);
        return m.find() ? m.group(0) : v;
    }

    public static int major(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.find()) {
            throw new IllegalArgumentException("not a version: " + version);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Runs one SQL statement through psql and returns the single value it prints (trimmed). */
    public String psqlValue(DatabaseConnection db, String sql) {
        Result result = psql(db, sql);
        return result.stdout.strip();
    }

    /** SQL longer than this goes to psql on stdin: one argument may not exceed 128 KiB on Linux (MAX_ARG_STRLEN). */
    static final int MAX_SQL_ARGUMENT = 16 * 1024;

    /** Runs SQL through psql ({@code -X -A -t -q}, stop on error); fails with psql's message. */
    public Result psql(DatabaseConnection db, String sql) {
        return psql(db, sql, sql.length() > MAX_SQL_ARGUMENT);
    }

    /**
     * Runs a script of several statements through psql's stdin, each in a transaction of its own (with {@code -c}
     * they would share one, and its locks).
     */
    public Result psqlScript(DatabaseConnection db, String sql) {
        return psql(db, sql, true);
    }

    private Result psql(DatabaseConnection db, String sql, boolean onStdin) {
        List<String> cmd = new ArrayList<>(
                List.of(program("psql"), "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-F", "\t"));
        byte[] stdin = null;
        if (onStdin) {
            stdin = sql.getBytes(StandardCharsets.UTF_8);
        } else {
            cmd.addAll(List.of("-c", sql));
        }
        Result result = run(cmd, db.libpqEnvironment(), stdin, 300);
        if (result.exitCode != 0) {
            String said = result.stderrTail();
            if (said.contains("connection to server") || said.contains("FATAL")) {
                throw new PgkeepException(
                        "cannot connect to " + db.describe() + ": " + said.replaceFirst("^psql: error: ", ""));
            }
            throw new PgkeepException("psql on " + db.describe() + " failed: " + said);
        }
        return result;
    }

    /** Runs a short program to completion, collecting its output. */
    public Result run(List<String> command, Map<String, String> env, byte @Nullable [] stdin, int timeoutSeconds) {
        try {
            ProcessRunner.RunningProcess p = runner.start(command, env, null);
            ProcessOutput.StreamCollector out =
                    ProcessOutput.StreamCollector.start(p.stdout(), Integer.MAX_VALUE, "stdout");
            ProcessOutput.StreamCollector err = ProcessOutput.StreamCollector.start(p.stderr(), 64 * 1024, "stderr");
            try (var in = p.stdin()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.kill();
                throw new PgkeepException(command.get(0) + " did not finish within " + timeoutSeconds + " s.");
            }
            return new Result(p.waitFor(), out.text(), err.text());
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot run " + command.get(0) + ": " + e.getMessage()
                            + ". Install the PostgreSQL client tools or name their folders (PGKEEP_PG_BIN).",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while running " + command.get(0), e);
        }
    }

    /** Output of a finished program. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String stderrTail() {
            return ProcessOutput.tail(stderr);
        }
    }
}
