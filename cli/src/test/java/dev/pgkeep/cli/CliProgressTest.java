package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress of real backups, restores and verifies: periodic lines on a stderr that is not a terminal (with
 * --progress), one line rewritten in place on a terminal (a pseudo-terminal made by util-linux {@code script}).
 */
@ExtendWith(PostgresExtension.class)
class CliProgressTest {
    /** ~60 MB of badly compressible rows: the dump takes long enough for several reports (every 200 ms). */
    private static final int ROWS = 600_000;

    private static final Pattern DUMPING_MIDWAY = Pattern.compile(
            "backup dumping: [\\d.]+ (KiB|MiB) from pg_dump, [\\d.]+ (B|KiB|MiB) stored, [\\d.]+ (B|KiB|MiB)/s,"
                    + " [\\d.:]+( s)?, ~\\d+% of the database size( \\(ETA ~[\\d.:]+( s)?\\))?, table bulk.readings");

    private static String source = "";

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_progress");
        SampleDatabase.createLarge(pg, source, ROWS);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @Test
    void withProgressAndNoTerminalBackupRestoreAndVerifyPrintPeriodicLines(PostgresServer pg, @TempDir Path dir) {
        Map<String, String> env = Map.of("PGKEEP_PG_BIN", pg.binDir().toString());
        String repo = dir.resolve("r").toString();

        CliRun backup = CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo, "--progress=0");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        List<String> lines = backup.err().lines().toList();
        assertThat(backup.err()).doesNotContain("\r");
        assertThat(lines).allMatch(l -> l.startsWith("pgkeep: backup dumping: "), "progress lines only");
        // at least one report while the dump streams (reports are throttled to one per 200 ms, and a fast machine dumps
        // the test database in well under a second: more than one is not guaranteed)
        assertThat(lines.stream().filter(l -> DUMPING_MIDWAY.matcher(l).find()))
                .as(backup.err())
                .isNotEmpty();
        assertThat(lines.get(lines.size() - 1))
                .matches("pgkeep: backup dumping: [\\d.]+ MiB from pg_dump, [\\d.]+ MiB"
                        + " stored, done in [\\d.:]+( s)?");
        assertThat(backup.out()).startsWith("Backup ");

        String target = PostgresServer.uniqueDatabaseName("cli_progress_new");
        try {
            CliRun restore = CliRun.run(
                    env, "restore", "--latest", "--db", pg.url(target), "--create", "--repo", repo, "--progress");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(restore.err())
                    .containsPattern("pgkeep: restore checksum: [\\d.]+ MiB checksummed, done in")
                    .containsPattern("pgkeep: restore restoring: 0 B read, 0 B/s, [\\d.]+ s, 0%")
                    .containsPattern(
                            "pgkeep: restore restoring: [\\d.]+ MiB read, [\\d.]+ MiB to pg_restore," + " done in");
        } finally {
            pg.dropDatabase(target);
        }

        CliRun verify = CliRun.run(env, "verify", "--latest", "--repo", repo, "--progress=0");
        assertThat(verify.exitCode()).as(verify::toString).isZero();
        assertThat(verify.err())
                .containsPattern("pgkeep: verify checksum: [\\d.]+ MiB checksummed, done in")
                .containsPattern("pgkeep: verify checking: [\\d.]+ MiB read, done in");

        CliRun copy = CliRun.run(
                env, "copy", "--from", repo, "--to", dir.resolve("copy").toString(), "--latest", "--progress=0");
        assertThat(copy.exitCode()).as(copy::toString).isZero();
        assertThat(copy.err()).containsPattern("pgkeep: copy copying: [\\d.]+ MiB copied, done in");
    }

    @Test
    void jsonQuietAndNoTerminalWithoutTheOptionShowNoProgress(PostgresServer pg, @TempDir Path dir) {
        Map<String, String> env = Map.of("PGKEEP_PG_BIN", pg.binDir().toString());
        String repo = dir.resolve("r").toString();
        List<List<String>> silent =
                List.of(List.of("--json", "--progress=0"), List.of("-q", "--progress=0"), List.of());
        for (List<String> extra : silent) {
            List<String> backup = new ArrayList<>(List.of("backup", "--db", pg.url(source), "--repo", repo));
            backup.addAll(extra);
            CliRun backed = CliRun.run(env, backup.toArray(String[]::new));
            assertThat(backed.exitCode()).as(backed::toString).isZero();
            assertThat(backed.err()).as(String.join(" ", extra)).isEmpty();

            List<String> verify = new ArrayList<>(List.of("verify", "--latest", "--repo", repo));
            verify.addAll(extra);
            CliRun verified = CliRun.run(env, verify.toArray(String[]::new));
            assertThat(verified.exitCode()).as(verified::toString).isZero();
            assertThat(verified.err()).as(String.join(" ", extra)).isEmpty();
        }
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlace(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertThat(script).as("util-linux script, for a pseudo-terminal").isExecutable();
        String repo = dir.resolve("r").toString();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(
                " ",
                quote(javaBin),
                "-cp",
                quote(System.getProperty("java.class.path")),
                PgkeepCommand.class.getName(),
                "backup",
                "--db",
                quote(pg.urlWithoutPassword(source)),
                "--repo",
                quote(repo));
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("tty.txt").toFile());
        Map<String, String> environment = pb.environment();
        environment.put("PGPASSWORD", pg.password());
        environment.put("PGKEEP_PG_BIN", pg.binDir().toString());
        environment.put("SHELL", "/bin/sh");
        environment.put("COLUMNS", "200");
        Process process = pb.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String tty = Files.readString(dir.resolve("tty.txt"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(tty).isZero();

        assertThat(tty)
                .containsPattern("Backing up \\S+/" + source + " to ")
                .contains("Backup ")
                .doesNotContain("pgkeep: backup");
        // each report starts with a carriage return and overwrites the one before; a line break only at the end
        String[] rewrites = tty.split("\r(?!\n)");
        long midway = java.util.Arrays.stream(rewrites)
                .filter(r -> DUMPING_MIDWAY.matcher(r).find())
                .count();
        assertThat(midway).as(tty).isGreaterThanOrEqualTo(2);
        assertThat(tty).containsPattern("\rbackup dumping: [\\d.]+ MiB from pg_dump, [\\d.]+ MiB stored, done in");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
