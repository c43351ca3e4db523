package dev.pgkeep.core.internal;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Finds the PostgreSQL client programs and runs the short ones (version checks, psql queries). */
public final class PgTools {
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    private final @Nullable Path binDir;
    private final ProcessRunner runner;

    private PgTools(@Nullable Path binDir, ProcessRunner runner) {
        this.binDir = binDir;
        this.runner = runner;
    }

    /**
     * Uses {@code configured} when given, else {@code PGKEEP_PG_BIN}, else the newest
     * {@code /usr/lib/postgresql/<major>/bin}, else whatever {@code PATH} finds.
     */
    public static PgTools locate(@Nullable Path configured, ProcessRunner runner) {
        if (configured != null) {
            if (!Files.isExecutable(configured.resolve("pg_dump"))) {
                throw new PgkeepException("No pg_dump in the configured tools folder " + configured
                        + "; point pgkeep.tools.bin-dir (or PGKEEP_PG_BIN) at the folder holding pg_dump.");
            }
            return new PgTools(configured, runner);
        }
        String env = System.getenv("PGKEEP_PG_BIN");
        if (env != null && !env.isBlank()) {
            return locate(Path.of(env), runner);
        }
        return new PgTools(newestDebianBin().orElse(null), runner);
    }

    private static Optional<Path> newestDebianBin() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/pg_dump")))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public ProcessRunner runner() {
        return runner;
    }

    /** The path (or bare name, resolved through PATH) of a PostgreSQL program. */
    public String program(String name) {
        return binDir == null ? name : binDir.resolve(name).toString();
    }

    /** {@code pg_dump --version}'s number, e.g. {@code 15.18}. */
    public String toolVersion(String name) {
        Result result = run(List.of(program(name), "--version"), Map.of(), null, 30);
        if (result.exitCode != 0) {
            throw new PgkeepException(name + " --version failed: " + result.stderrTail());
        }
        Matcher m = Pattern.compile("\\) (\\d+(?:\\.\\d+)?)").matcher(result.stdout);
        if (!m.find()) {
            throw new PgkeepException("Cannot read the version of " + name + " from: " + result.stdout.strip());
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

    /**
     * Fails with a message naming both versions when pg_dump is older than the server (pg_dump refuses to dump a
     * newer server, and a user should learn that before any backup runs).
     */
    public void requireDumpCompatible(String serverVersion, String tool) {
        String toolVersion = toolVersion(tool);
        if (major(toolVersion) < major(serverVersion)) {
            throw new PgkeepException(tool + " " + toolVersion + " (" + program(tool) + ") is older than the server"
                    + " (PostgreSQL " + serverVersion + "); install the PostgreSQL " + major(serverVersion)
                    + " client tools or newer and point pgkeep.tools.bin-dir / PGKEEP_PG_BIN at them.");
        }
    }

    /** Runs one SQL statement through psql and returns the single value it prints (trimmed). */
    public String psqlValue(DatabaseConnection db, String sql) {
        Result result = psql(db, sql);
        return result.stdout.strip();
    }

    /** Runs SQL through psql ({@code -X -A -t -q}, stop on error); fails with psql's message. */
    public Result psql(DatabaseConnection db, String sql) {
        List<String> cmd = new ArrayList<>(
                List.of(program("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-c", sql));
        Result result = run(cmd, db.libpqEnvironment(), null, 300);
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
            StreamCollector out = StreamCollector.start(p.stdout(), Integer.MAX_VALUE, "stdout");
            StreamCollector err = StreamCollector.start(p.stderr(), 64 * 1024, "stderr");
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
                            + ". Install the PostgreSQL client tools or set pgkeep.tools.bin-dir / PGKEEP_PG_BIN.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while running " + command.get(0), e);
        }
    }

    /** Output of a finished program. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String stderrTail() {
            return tail(stderr);
        }
    }

    /** The last lines of a tool's stderr, enough to say what went wrong without flooding a message. */
    public static String tail(String text) {
        String trimmed = text.strip();
        String[] lines = trimmed.split("\n");
        int from = Math.max(0, lines.length - 10);
        String joined = String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        if (joined.length() > 2000) {
            joined = "..." + joined.substring(joined.length() - 2000);
        }
        return joined.isEmpty() ? "(no message)" : joined;
    }

    /** Drains a stream on its own thread, keeping at most {@code limit} bytes (the tail). */
    public static final class StreamCollector {
        private final Thread thread;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final int limit;
        private boolean truncated;

        private StreamCollector(InputStream in, int limit, String name) {
            this.limit = limit;
            this.thread = new Thread(() -> drain(in), "pgkeep-" + name);
            this.thread.setDaemon(true);
        }

        public static StreamCollector start(InputStream in, int limit, String name) {
            StreamCollector c = new StreamCollector(in, limit, name);
            c.thread.start();
            return c;
        }

        private void drain(InputStream in) {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                        if (buffer.size() > limit * 2L && limit < Integer.MAX_VALUE / 2) {
                            byte[] all = buffer.toByteArray();
                            buffer.reset();
                            buffer.write(all, all.length - limit, limit);
                            truncated = true;
                        }
                    }
                }
            } catch (IOException e) {
                // the process went away; what was read is what there is
            }
        }

        /** Everything read (or its tail), after the stream ended. */
        public String text() {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buffer) {
                String s = buffer.toString(StandardCharsets.UTF_8);
                if (s.length() > limit) {
                    s = s.substring(s.length() - limit);
                }
                return truncated ? "..." + s : s;
            }
        }
    }
}
