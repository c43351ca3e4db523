package dev.pgkeep.testsupport.corpus;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PostgresTools;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Builds the corpus on a server of your own, bench style:
 *
 * <pre>
 * ./mvnw -B -q -pl test-support -am install -DskipTests
 * ./mvnw -B -q -pl test-support dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * PGPASSWORD=... java -cp test-support/target/classes:$(cat test-support/target/cp.txt) \
 *     dev.pgkeep.testsupport.corpus.CorpusMain --db postgresql://postgres@127.0.0.1:5432/corpus_big \
 *     --kind large-catalog --size full --create --measure
 * </pre>
 *
 * Options: {@code --kind large-catalog|every-object-kind}, {@code --size small|full} and {@code --tables N --schemas N
 * --partitions N --partition-rows N} (large catalog), {@code --heavy} (every object kind: add the 100 MB rows),
 * {@code --create} (create the database; without it, it must exist and be empty), {@code --pg-bin DIR} (psql and
 * pg_dump; default {@code PGKEEP_PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin}, else PATH), {@code
 * --measure} (then print the sizes of {@code pg_dump -Fc -Z0 --schema-only} and of the whole archive, and how long a
 * {@link CorpusFingerprint} takes). The password comes from {@code PGPASSWORD} or {@code ~/.pgpass}, or the URL.
 * The connecting user must be a superuser (event triggers, publications, casts, roles).
 */
public final class CorpusMain {
    private CorpusMain() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("corpus: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Runs with {@code args}, printing to {@code out}; returns the exit code. */
    public static int run(String[] args, PrintStream out) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--create", "--heavy", "--measure" -> opts.put(a, "true");
                case "--db",
                        "--kind",
                        "--size",
                        "--tables",
                        "--schemas",
                        "--partitions",
                        "--partition-rows",
                        "--pg-bin" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    opts.put(a, args[++i]);
                }
                case "-h", "--help" -> {
                    out.println("usage: CorpusMain --db URL --kind large-catalog|every-object-kind [--size small|full]"
                            + " [--tables N] [--schemas N] [--partitions N] [--partition-rows N] [--heavy] [--create]"
                            + " [--pg-bin DIR] [--measure]");
                    return 0;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        String url = require(opts, "--db");
        String kind = require(opts, "--kind");
        CorpusTarget target = CorpusTarget.of(DatabaseConnection.parse(url), binDir(opts.get("--pg-bin")));
        if (opts.containsKey("--create")) {
            target.createDatabase();
        }
        out.printf(Locale.ROOT, "server %d, database %s%n", target.serverVersionNum(), target.database());
        switch (kind) {
            case "large-catalog" -> {
                LargeCatalog.Builder b = "small".equals(opts.getOrDefault("--size", "full"))
                        ? LargeCatalog.small()
                        : LargeCatalog.full();
                if (opts.containsKey("--schemas")) {
                    b.schemas(Integer.parseInt(opts.get("--schemas")));
                }
                if (opts.containsKey("--tables")) {
                    b.tables(Integer.parseInt(opts.get("--tables")));
                }
                if (opts.containsKey("--partitions")) {
                    b.partitions(Integer.parseInt(opts.get("--partitions")));
                }
                if (opts.containsKey("--partition-rows")) {
                    b.partitionRows(Long.parseLong(opts.get("--partition-rows")));
                }
                LargeCatalog.Report r = b.build().create(target);
                out.printf(
                        Locale.ROOT,
                        "large catalog: %d schemas, %d tables, %d partitions with %d rows, in %.1f s%n",
                        r.schemas(),
                        r.tables(),
                        r.partitions(),
                        r.partitionRows(),
                        r.elapsed().toMillis() / 1000.0);
            }
            case "every-object-kind" -> {
                EveryObjectKind.Report r = EveryObjectKind.builder()
                        .heavy(opts.containsKey("--heavy"))
                        .build()
                        .create(target);
                out.printf(
                        Locale.ROOT,
                        "every object kind: extensions %s, in %.1f s%n",
                        r.extensions(),
                        r.elapsed().toMillis() / 1000.0);
                r.skipped().forEach(s -> out.println("  skipped " + s));
                out.println("roles (cluster-wide; drop them after the database): " + String.join(", ", r.roles()));
            }
            default -> throw new IllegalArgumentException("--kind must be large-catalog or every-object-kind");
        }
        if (opts.containsKey("--measure")) {
            long t0 = System.nanoTime();
            long schemaOnly = target.pgDumpBytes("-Fc", "-Z0", "--schema-only");
            long t1 = System.nanoTime();
            long whole = target.pgDumpBytes("-Fc", "-Z0");
            long t2 = System.nanoTime();
            CorpusFingerprint.of(target);
            long t3 = System.nanoTime();
            out.printf(
                    Locale.ROOT,
                    "pg_dump -Fc -Z0 --schema-only: %,d bytes (%.1f s); whole archive: %,d bytes (%.1f s);"
                            + " fingerprint: %.1f s%n",
                    schemaOnly,
                    (t1 - t0) / 1e9,
                    whole,
                    (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9);
        }
        return 0;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required (try --help)");
        }
        return value;
    }

    /**
     * {@code --pg-bin}, else the first folder of {@code PGKEEP_PG_BIN} holding psql, else the newest {@code
     * /usr/lib/postgresql/N/bin}, else {@code /usr/bin}. With {@code --measure} its pg_dump must be of the server's
     * major or newer.
     */
    static Path binDir(@Nullable String option) {
        if (option != null) {
            return Path.of(option);
        }
        String env = System.getenv("PGKEEP_PG_BIN");
        if (env != null && !env.isBlank()) {
            for (Path dir : PostgresTools.splitPath(env)) {
                if (Files.isExecutable(dir.resolve("psql"))) {
                    return dir;
                }
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> dirs = Files.list(debian)) {
                return dirs.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/psql")))
                        .max(Comparator.comparingInt(
                                p -> Integer.parseInt(p.getFileName().toString())))
                        .map(p -> p.resolve("bin"))
                        .orElse(Path.of("/usr/bin"));
            } catch (IOException e) {
                return Path.of("/usr/bin");
            }
        }
        return Path.of("/usr/bin");
    }
}
