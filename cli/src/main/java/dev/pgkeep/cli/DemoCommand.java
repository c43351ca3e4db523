package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.cluster.ExternalCommand;
import dev.pgkeep.core.cluster.LocalCluster;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/**
 * {@code pgkeep demo}: the whole cycle on a throwaway cluster, with the same commands a user types, and nothing left
 * behind. Needs only PostgreSQL's programs (initdb, pg_ctl, postgres, psql, pg_dump, pg_restore).
 */
@Command(
        name = "demo",
        description = "Show pgkeep at work on a throwaway PostgreSQL cluster (no server or configuration needed):"
                + " back up a small shop database, list, verify with a restore test, show that a corrupted copy is"
                + " refused (exit code 4), restore, compare, and remove everything.",
        mixinStandardHelpOptions = true)
final class DemoCommand extends CliCommand {
    static final String DATABASE = "shop";
    private static final Duration PG_DUMP_TIMEOUT = Duration.ofMinutes(2);

    /** One step of the summary. */
    private record Step(String what, long millis, boolean ok, String result) {}

    private final List<Step> steps = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = env.out();
        Path serverBin = LocalCluster.locate("initdb", common.pgBin);
        Path work = Files.createTempDirectory("pgkeep-demo-");
        Cleanup cleanup = new Cleanup(work);
        Thread hook = new Thread(cleanup::run, "pgkeep-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long t0 = System.nanoTime();
            LocalCluster cluster = LocalCluster.start(serverBin);
            cleanup.cluster = cluster;
            step("Start a throwaway PostgreSQL", t0, true, "port " + cluster.port());
            out.printf(
                    "Throwaway cluster: %s on %s:%d (PostgreSQL programs of %s)%n",
                    cluster.folder(), cluster.host(), cluster.port(), serverBin);
            out.printf("Demo folder: %s%n%n", work);
            return run(cluster, work) ? 0 : ExitCodes.FAILED;
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook cleans up (again, harmlessly)
            }
            LocalCluster cluster = cleanup.cluster;
            out.printf(
                    "%nRemoved the demo folder %s%s.%n",
                    work, cluster == null ? "" : " and the cluster " + cluster.folder() + " (server stopped)");
            out.flush();
        }
    }

    private boolean run(LocalCluster cluster, Path work) throws IOException {
        long t = System.nanoTime();
        cluster.psql("postgres", "CREATE DATABASE " + DATABASE);
        cluster.psql(DATABASE, SHOP_SQL);
        String sizeText = cluster.psql(DATABASE, "SELECT pg_database_size(current_database())");
        String rows = rowCounts(cluster, DATABASE);
        step("Create database '" + DATABASE + "'", t, true, rows);

        Path repo = work.resolve("repo");
        String repoArg = repo.toString();
        boolean ok = pgkeep(cluster, "Back up", 0, "backup", "--db", DATABASE, "--repo", repoArg, "--label", "demo");
        BackupManifest backup = latest(repo);
        if (!ok || backup == null) {
            return false;
        }
        ok &= pgkeep(cluster, "List", 0, "list", "--repo", repoArg);
        ok &= pgkeep(
                cluster,
                "Verify with a restore test",
                0,
                "verify",
                "--latest",
                "--restore-test",
                "--db",
                "postgres",
                "--repo",
                repoArg);

        Path corrupted = work.resolve("corrupted-copy");
        Path flipped = corruptCopy(repo, corrupted);
        env.out().printf("# corrupting a copy: one byte of %s changed%n", corrupted.relativize(flipped));
        ok &= pgkeep(
                cluster,
                "Restore a corrupted copy (refused)",
                ExitCodes.INTEGRITY,
                "restore",
                "--backup",
                backup.id().value(),
                "--db",
                DATABASE + "_from_corrupt",
                "--create",
                "--repo",
                corrupted.toString());
        ok &= pgkeep(
                cluster,
                "Restore into a new database",
                0,
                "restore",
                "--backup",
                backup.id().value(),
                "--db",
                DATABASE + "_restored",
                "--create",
                "--repo",
                repoArg);

        t = System.nanoTime();
        String restoredRows = rowCounts(cluster, DATABASE + "_restored");
        boolean sameSchema = schema(cluster, DATABASE).equals(schema(cluster, DATABASE + "_restored"));
        boolean sameRows = rows.equals(restoredRows);
        step(
                "Compare schema and row counts",
                t,
                sameSchema && sameRows,
                (sameSchema ? "schema identical" : "SCHEMA DIFFERS")
                        + (sameRows ? ", row counts match" : ", ROW COUNTS DIFFER: " + restoredRows));
        ok &= sameSchema && sameRows;

        summary(Long.parseLong(sizeText.strip()), backup, ok);
        return ok;
    }

    /**
     * Runs {@code pgkeep args...} in this JVM as a user would type it (the database named by {@code --db} is on the
     * cluster), printing the command line without the password, then its output; true when it exits with
     * {@code expectedExit}.
     */
    private boolean pgkeep(LocalCluster cluster, String what, int expectedExit, String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        List<String> shown = new ArrayList<>(argv);
        int db = argv.indexOf("--db");
        if (db >= 0) {
            String name = argv.get(db + 1);
            argv.set(db + 1, urlOf(cluster, name, cluster.password()));
            shown.set(db + 1, urlOf(cluster, name, "***"));
        }
        if (common.pgBin != null) {
            argv.add("--pg-bin");
            argv.add(common.pgBin);
        }
        env.out().println("$ pgkeep " + String.join(" ", shown));
        StringWriter captured = new StringWriter();
        long t = System.nanoTime();
        int exit;
        try (PrintWriter child = new PrintWriter(captured)) {
            Map<String, String> variables = new HashMap<>(env.variables());
            variables.keySet().removeIf(k -> k.startsWith("PGKEEP_") && !k.equals("PGKEEP_PG_BIN"));
            exit = PgkeepCommand.runConfigured(argv.toArray(String[]::new), variables, child, child);
        }
        String output = captured.toString().strip();
        if (!output.isEmpty()) {
            env.out().println(output.replaceAll("(?m)^", "  "));
        }
        boolean ok = exit == expectedExit;
        env.out()
                .printf(
                        "  -> exit code %d%s%n%n",
                        exit, ok ? (exit == 0 ? "" : " as expected") : " (expected " + expectedExit + ")");
        env.out().flush();
        step(what, t, ok, "exit code " + exit);
        return ok;
    }

    private static String urlOf(LocalCluster cluster, String database, String password) {
        return "postgresql://" + cluster.superuser() + ":" + password + "@" + cluster.host() + ":" + cluster.port()
                + "/" + database;
    }

    private @Nullable BackupManifest latest(Path repo) {
        BackupService service = BackupService.builder()
                .storage(new LocalStorageAdapter(repo))
                .lock(BackupLock.NONE)
                .build();
        List<BackupManifest> backups = service.list(DATABASE);
        return backups.isEmpty() ? null : backups.get(0);
    }

    /** Copies the repository and changes one byte in the middle of the copy's stored dump; returns that file. */
    static Path corruptCopy(Path repo, Path copy) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(repo)) {
            files = walk.sorted().toList();
        }
        Path dump = null;
        for (Path source : files) {
            Path target = copy.resolve(repo.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
            } else {
                Files.copy(source, target);
                if (source.getFileName().toString().startsWith("dump.")) {
                    dump = target;
                }
            }
        }
        if (dump == null) {
            throw new IllegalStateException("No stored dump found in " + repo);
        }
        try (RandomAccessFile file = new RandomAccessFile(dump.toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0xff);
        }
        return dump;
    }

    /** {@code table=rows} of every table in the public schema, by name. */
    static String rowCounts(LocalCluster cluster, String database) {
        return cluster.psql(
                database,
                "SELECT string_agg(format('%s=%s', table_name, (xpath('/row/n/text()', query_to_xml(format("
                        + "'SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text),"
                        + " ' ' ORDER BY table_name) FROM information_schema.tables"
                        + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    }

    /** {@code pg_dump --schema-only}, without the per-run {@code \restrict} keys of newer pg_dump releases. */
    private static String schema(LocalCluster cluster, String database) {
        ExternalCommand.Result dump = ExternalCommand.run(
                List.of(cluster.binDir().resolve("pg_dump").toString(), "--schema-only", "--no-password"),
                cluster.clientEnvironment(database),
                null,
                null,
                PG_DUMP_TIMEOUT);
        if (!dump.succeeded()) {
            throw new IllegalStateException("pg_dump --schema-only of " + database + " failed: " + dump.stderr());
        }
        return dump.stdout()
                .lines()
                .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .collect(Collectors.joining("\n"));
    }

    private void step(String what, long startedNanos, boolean ok, String result) {
        steps.add(new Step(what, (System.nanoTime() - startedNanos) / 1_000_000, ok, result));
    }

    private void summary(long databaseBytes, BackupManifest backup, boolean ok) {
        PrintWriter out = env.out();
        out.println("Summary");
        Table table = new Table("STEP", "TIME", "RESULT");
        for (Step s : steps) {
            table.row(s.what(), Output.millis(s.millis()), (s.ok() ? "ok   " : "FAIL ") + s.result());
        }
        table.alignRight(1);
        table.print(out);
        out.printf(
                "Database %s: %s on disk; dump %s, stored %s (%s, SHA-256 %s...)%n",
                DATABASE,
                Output.bytes(databaseBytes),
                Output.bytes(backup.dumpBytes()),
                Output.bytes(backup.storedBytes()),
                backup.compression().codec(),
                backup.sha256().substring(0, 12));
        out.println(ok ? "Demo passed: every step did what it should." : "Demo FAILED: see the steps above.");
    }

    /** Stops the cluster and deletes the demo folder, once, from the command or from the shutdown hook (Ctrl-C). */
    private static final class Cleanup {
        private final Path work;
        volatile @Nullable LocalCluster cluster;
        private boolean done;

        Cleanup(Path work) {
            this.work = work;
        }

        synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            LocalCluster c = cluster;
            if (c != null) {
                c.close();
            }
            LocalCluster.deleteTree(work);
        }
    }

    /** A small shop: customers, products, orders and their items, an index, a view and a sequence. */
    static final String SHOP_SQL = """
            CREATE SEQUENCE invoice_number_seq START 10000;
            CREATE TABLE customers (
                id serial PRIMARY KEY,
                name text NOT NULL,
                email text NOT NULL UNIQUE,
                country char(2) NOT NULL,
                created_at timestamptz NOT NULL);
            CREATE TABLE products (
                id serial PRIMARY KEY,
                sku text NOT NULL UNIQUE,
                title text NOT NULL,
                price_cents integer NOT NULL CHECK (price_cents > 0));
            CREATE TABLE orders (
                id bigserial PRIMARY KEY,
                customer_id integer NOT NULL REFERENCES customers,
                invoice_number bigint NOT NULL DEFAULT nextval('invoice_number_seq'),
                placed_at timestamptz NOT NULL,
                status text NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')));
            CREATE TABLE order_items (
                order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
                product_id integer NOT NULL REFERENCES products,
                quantity integer NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (order_id, product_id));
            CREATE INDEX orders_by_customer ON orders (customer_id, placed_at);
            CREATE VIEW customer_revenue AS
                SELECT c.id, c.name, sum(i.quantity * p.price_cents) AS revenue_cents
                FROM customers c JOIN orders o ON o.customer_id = c.id
                JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
                WHERE o.status <> 'cancelled' GROUP BY c.id, c.name;
            INSERT INTO customers (name, email, country, created_at)
                SELECT 'Customer ' || g, 'customer' || g || '@example.com',
                       (ARRAY['DE', 'FR', 'NL', 'SE', 'US'])[1 + g % 5],
                       timestamptz '2026-01-01 00:00Z' + g * interval '1 hour'
                FROM generate_series(1, 500) g;
            INSERT INTO products (sku, title, price_cents)
                SELECT 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, 199 + (g * 37) % 9800
                FROM generate_series(1, 200) g;
            INSERT INTO orders (customer_id, placed_at, status)
                SELECT 1 + (g * 7) % 500, timestamptz '2026-02-01 00:00Z' + g * interval '13 minutes',
                       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4]
                FROM generate_series(1, 3000) g;
            INSERT INTO order_items (order_id, product_id, quantity)
                SELECT o.id, 1 + (o.id * 7 + k * 31) % 200, 1 + (o.id + k) % 5
                FROM orders o, generate_series(1, 3) k;
            ANALYZE;
            """;
}
