package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bench/run.sh} on both realistic datasets (default and mixed) at a tiny size, with a small catalog and
 * one repetition, so that the benchmark documented in docs/performance.md keeps working; the real (minutes-long) run
 * stays out of {@code mvn verify}. The script measures; {@code bench/BenchReport.java} turns its raw results into one
 * table per dataset.
 */
class BenchmarkSmokeTest {

    /** The start of every row's command on each dataset, as the Markdown table shows it. */
    private static final List<String> DATASET_ROWS = List.of(
            "pg_dump -Fc -Z0 > /dev/null (floor)",
            "pgkeep backup (zstd level ",
            "pg_dump -Fc -f FILE",
            "pg_dump -Fc -Z0 \\| zstd -1",
            "pg_dump -Fc -Z0 \\| zstd -3",
            "pgkeep backup --level ",
            "pg_dump -Fd -j 2 -Z0 (parallel floor)",
            "pgkeep backup --encrypt-to KEY (OpenPGP)",
            "pgkeep backup to S3 (s3proxy on loopback)",
            "pg_dump -Fc -Z0 \\| gzip -6",
            "pgkeep backup --compression gzip",
            "pg_restore -d (from pg_dump -Fc file)",
            "pgkeep restore (zstd, checksum first)",
            "pgkeep restore of an OpenPGP backup (--decrypt-key)",
            "pgkeep restore from S3 (s3proxy on loopback)",
            "pg_restore -j 2 -d (from pg_dump -Fc file)",
            "pgkeep restore --jobs 2",
            "pg_restore -j 2 -d (from pg_dump -Fd -j 2 directory)");

    /** Rows of the mixed dataset only. */
    private static final List<String> MIXED_ROWS = List.of("pg_dump -Fc -Z0 -t content.documents > /dev/null");

    /** Rows once per run, in the first dataset's table (they do not depend on the dataset). */
    private static final List<String> FIRST_TABLE_ROWS = List.of(
            "pgkeep backup, -Xmx64m",
            "pgkeep restore, -Xmx64m",
            "pgkeep backup to S3, -Xmx64m",
            "pgkeep list (100 backups)",
            "catalog: pg_dump -Fc -Z0 > /dev/null (floor)",
            "catalog: pgkeep backup",
            "catalog: pg_dump -Fc -f FILE",
            "catalog: pg_restore -d (from pg_dump -Fc file)",
            "catalog: pgkeep restore");

    /** The directory-format rows, measured when this build's {@code pgkeep backup} has {@code --jobs}. */
    private static final List<String> JOBS_ROWS =
            List.of("pgkeep backup --jobs 2 (directory)", "pgkeep restore --jobs 2 (directory backup)");

    /** The directory-format rows measured once per run (the first dataset's table). */
    private static final List<String> CATALOG_JOBS_ROWS = List.of(
            "pgkeep backup --jobs 2, -Xmx64m",
            "catalog: pgkeep backup --jobs 2 (directory)",
            "catalog: pgkeep restore --jobs 2 (directory backup)");

    @Test
    void benchmarkPrintsItsTableWithEveryRow(@TempDir Path temp) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("bench/run.sh");
        assertThat(script).isRegularFile();
        Path pgkeep = writeLauncher(temp);
        Path out = temp.resolve("out");

        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        script.toString(),
                        "--dataset",
                        "default,mixed",
                        "--size-mb",
                        "2",
                        "--reps",
                        "1",
                        "--catalog-tables",
                        "30")
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("bench.log").toFile());
        builder.environment().put("PGKEEP", pgkeep.toString());
        builder.environment().put("BENCH_OUT", out.toString());
        // s3proxy and test-support are on this test's class path: no Maven run inside the test to find them
        builder.environment().put("BENCH_S3_CP", System.getProperty("java.class.path"));
        builder.environment().put("BENCH_WARMUP", "0"); // it only makes bin/pgkeep's CDS archive, unused here
        Process process = builder.start();
        boolean finished = process.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroyForcibly();
        }
        String log = Files.readString(temp.resolve("bench.log"), StandardCharsets.UTF_8);

        assertThat(finished)
                .as("bench/run.sh finished in time; its output:\n%s", log)
                .isTrue();
        assertThat(process.exitValue()).as("exit code; output:\n%s", log).isZero();
        boolean jobs = backupHasJobs();
        if (!jobs) {
            assertThat(log).contains("pgkeep backup has no --jobs (directory-format backups) in this build");
        }
        String defaultTable = table(root, out, "default", log);
        String mixedTable = table(root, out, "mixed", log);
        assertThat(defaultTable)
                .contains("- Dataset default (bench/dataset.sql)")
                .contains("- Catalog rows");
        assertThat(mixedTable)
                .contains("- Dataset mixed (bench/dataset-mixed.sql)")
                .contains("200 tables in 4 schemas");
        for (String table : List.of(defaultTable, mixedTable)) {
            assertRows(table, DATASET_ROWS);
            assertRows(table, jobs ? JOBS_ROWS : List.of());
            if (!jobs) {
                assertThat(table).contains("Rows not measured here: pgkeep backup --jobs 2");
            }
        }
        assertRows(mixedTable, MIXED_ROWS);
        assertRows(defaultTable, FIRST_TABLE_ROWS);
        assertRows(defaultTable, jobs ? CATALOG_JOBS_ROWS : List.of());
        assertThat(mixedTable).doesNotContain("| `catalog: ").doesNotContain("| `pgkeep list");
        assertThat(Files.readString(out.resolve("latest.md"), StandardCharsets.UTF_8))
                .as("latest.md holds both tables")
                .isEqualTo(defaultTable + "\n" + mixedTable + "\n");
    }

    /** The dataset's table as written, checked against the log (printed) and BenchReport (re-rendered). */
    private static String table(Path root, Path out, String dataset, String log) throws Exception {
        String table = Files.readString(out.resolve(dataset + ".md"), StandardCharsets.UTF_8);
        assertThat(table)
                .contains("| command | time (s) | × floor |")
                .contains("- Machine: ")
                .contains("- PostgreSQL: ")
                .contains("- Load average (1/5/15 min) at start: ")
                .contains("alternating repetitions, each starting one command later")
                .doesNotContain("failed");
        assertThat(log)
                .contains(table.lines()
                        .filter(l -> l.startsWith("| `"))
                        .findFirst()
                        .orElseThrow());
        assertThat(report(root, out.resolve(dataset + ".tsv")))
                .as("bench/BenchReport.java renders the raw results into the same table")
                .isEqualTo(table);
        return table;
    }

    private static void assertRows(String table, List<String> rows) {
        for (String row : rows) {
            assertThat(table)
                    .as("row %s in\n%s", row, table)
                    .containsPattern("\\| `" + quote(row) + "[^`]*` \\| \\d+\\.\\d\\d");
        }
    }

    /** Whether this build's {@code pgkeep backup} offers {@code --jobs} (the directory-format rows need it). */
    private static boolean backupHasJobs() {
        StringWriter help = new StringWriter();
        PrintWriter writer = new PrintWriter(help);
        PgkeepCommand.run(new String[] {"backup", "--help"}, Map.of(), writer, writer);
        writer.flush();
        assertThat(help.toString()).contains("--encrypt-to");
        return help.toString().contains("--jobs");
    }

    /** What {@code java bench/BenchReport.java RESULTS} prints. */
    private static String report(Path root, Path results) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java, root.resolve("bench/BenchReport.java").toString(), results.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code; output:\n%s", output).isZero();
        return output;
    }

    /** The CLI as the test runs it (its classes on this JVM's class path), passing PGKEEP_JAVA_OPTS like bin/pgkeep. */
    private static Path writeLauncher(Path dir) throws IOException {
        Path launcher = dir.resolve("pgkeep");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                launcher,
                "#!/bin/sh\nexec '" + java + "' ${PGKEEP_JAVA_OPTS:-} -cp '" + System.getProperty("java.class.path")
                        + "' dev.pgkeep.cli.PgkeepCommand \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    private static String quote(String literal) {
        return java.util.regex.Pattern.quote(literal);
    }
}
