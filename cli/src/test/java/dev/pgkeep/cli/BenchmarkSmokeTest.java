package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bench/run.sh} on a tiny dataset with one repetition, so that the benchmark documented in
 * docs/performance.md keeps working; the real (minutes-long) run stays out of {@code mvn verify}. The script measures;
 * {@code bench/BenchReport.java} turns its raw results into the table.
 */
class BenchmarkSmokeTest {

    /** The start of every row's command, as the Markdown table shows it. */
    private static final List<String> EXPECTED_ROWS = List.of(
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
            "pg_restore -j 2 -d (from pg_dump -Fc file)",
            "pgkeep restore --jobs 2",
            "pgkeep backup, -Xmx64m",
            "pgkeep restore, -Xmx64m",
            "pgkeep list (100 backups)");

    @Test
    void benchmarkPrintsItsTableWithEveryRow(@TempDir Path temp) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("bench/run.sh");
        assertThat(script).isRegularFile();
        Path pgkeep = writeLauncher(temp);
        Path out = temp.resolve("out");

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--size-mb", "2", "--reps", "1")
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("bench.log").toFile());
        builder.environment().put("PGKEEP", pgkeep.toString());
        builder.environment().put("BENCH_OUT", out.toString());
        // s3proxy and test-support are on this test's class path: no Maven run inside the test to find them
        builder.environment().put("BENCH_S3_CP", System.getProperty("java.class.path"));
        builder.environment().put("BENCH_WARMUP", "0"); // it only makes bin/pgkeep's CDS archive, unused here
        Process process = builder.start();
        boolean finished = process.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroyForcibly();
        }
        String log = Files.readString(temp.resolve("bench.log"), StandardCharsets.UTF_8);

        assertThat(finished)
                .as("bench/run.sh finished in time; its output:\n%s", log)
                .isTrue();
        assertThat(process.exitValue()).as("exit code; output:\n%s", log).isZero();
        String table = Files.readString(out.resolve("latest.md"), StandardCharsets.UTF_8);
        assertThat(table)
                .contains("| command | time (s) | × floor |")
                .contains("- Machine: ")
                .contains("- PostgreSQL: ")
                .contains("alternating repetitions, each starting one command later")
                .doesNotContain("failed");
        for (String row : EXPECTED_ROWS) {
            assertThat(table)
                    .as("row %s in\n%s", row, table)
                    .containsPattern("\\| `" + quote(row) + "[^`]*` \\| \\d+\\.\\d\\d");
        }
        assertThat(log).contains("| command | time (s)"); // printed, not only written
        assertThat(report(root, out.resolve("latest.tsv")))
                .as("bench/BenchReport.java renders the raw results into the same table")
                .isEqualTo(table);
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
