package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Makefile's wrappers keep guarantee 4: a password in the database URL reaches pgkeep through its environment,
 * never its argv, and make prints it neither when running nor with {@code -n}. The pgkeep they run here is a script
 * that records what it was given.
 */
class MakefileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String PASSWORD = "Mk-s3cret-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void dbBackupPassesTheUrlThroughTheEnvironmentAndPrintsNoPassword() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/make")), "no make on this machine");
        String url = "postgresql://app:" + PASSWORD + "@db.example:5432/shop";

        String dryRun = make(Map.of("PGKEEP_DB", url), "-n", "db-backup", "REPO=/var/backups/pgkeep");
        assertThat(dryRun).contains("backup --repo \"/var/backups/pgkeep\"").doesNotContain(PASSWORD);

        Path fake = fakePgkeep();
        String ran = make(Map.of("PGKEEP_DB", url), "db-backup", "PGKEEP=" + fake, "REPO=/var/backups/pgkeep");
        assertThat(ran).doesNotContain(PASSWORD);
        List<String> seen = Files.readAllLines(dir.resolve("seen"));
        assertThat(seen.get(0))
                .isEqualTo("argv: backup --repo /var/backups/pgkeep")
                .doesNotContain(PASSWORD);
        assertThat(seen.get(1)).isEqualTo("PGKEEP_DB=" + url);
    }

    @Test
    void dbRestoreGivesTheTargetThroughTheEnvironmentToo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/make")), "no make on this machine");
        String source = "postgresql://app:" + PASSWORD + "@db.example/shop";
        String target = "postgresql://app:" + PASSWORD + "@db.example/shop_copy";
        Path fake = fakePgkeep();

        String dryRun = make(Map.of("PGKEEP_DB", source), "-n", "db-restore", "RESTORE_FLAGS=--create");
        assertThat(dryRun).contains("--latest --create").doesNotContain(PASSWORD);

        String ran = make(Map.of("PGKEEP_DB", source), "db-restore", "PGKEEP=" + fake, "TARGET=" + target);
        assertThat(ran).doesNotContain(PASSWORD);
        List<String> seen = Files.readAllLines(dir.resolve("seen"));
        assertThat(seen.get(0)).isEqualTo("argv: restore --latest");
        assertThat(seen.get(1)).isEqualTo("PGKEEP_DB=" + target);
        // without TARGET the restore goes into PGKEEP_DB itself
        make(Map.of("PGKEEP_DB", source), "db-restore", "PGKEEP=" + fake);
        assertThat(Files.readAllLines(dir.resolve("seen")).get(1)).isEqualTo("PGKEEP_DB=" + source);
    }

    private Path fakePgkeep() throws IOException {
        Path script = dir.resolve("pgkeep");
        Files.writeString(
                script,
                "#!/bin/sh\nprintf 'argv: %s\\n' \"$*\" > '" + dir.resolve("seen")
                        + "'\nprintf 'PGKEEP_DB=%s\\n' \"$PGKEEP_DB\" >> '" + dir.resolve("seen") + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** Runs make in the checkout's root with {@code env} added; returns what it printed (stdout and stderr). */
    private static String make(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("make", "--no-print-directory", "-C", ROOT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PGKEEP") || k.startsWith("MAKE"));
        builder.environment().putAll(env);
        Process make = builder.start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(make.exitValue()).as(output).isZero();
        return output;
    }
}
