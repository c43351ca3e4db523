package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 1 with a real process kill: a {@code pgkeep backup} JVM killed with SIGKILL in the middle of writing
 * leaves no listed backup, does not keep the backup lock, and its leftover is removed by a later prune.
 */
@ExtendWith(PostgresExtension.class)
class KilledBackupTest {
    private static String source = "";

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_kill");
        SampleDatabase.createLarge(pg, source, 400_000);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @Test
    void aBackupProcessKilledMidWriteLeavesNothingListed(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        Process backup = CliProcess.backup(pg, source, repo.toString(), dir, Map.of());

        Path partial = awaitPartialFile(repo, backup, Duration.ofSeconds(60));
        backup.destroyForcibly();
        assertThat(backup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).isNotZero();

        assertThat(CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString())
                        .out())
                .contains("No backups");
        assertThat(partial).exists();

        // the lock died with the process: the next backup runs (its own leftover sweep keeps young files)
        CliRun next = CliRun.run(
                CliEndToEndTest.env(pg),
                "backup",
                "--db",
                pg.url(source),
                "--repo",
                repo.toString(),
                "--compression",
                "none");
        assertThat(next.exitCode()).as(next::toString).isZero();
        assertThat(partial).exists();

        // a day later, prune removes the leftover
        Files.setLastModifiedTime(partial, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        CliRun prune = CliRun.run(CliEndToEndTest.env(pg), "prune", "--repo", repo.toString());
        assertThat(prune.exitCode()).as(prune::toString).isZero();
        assertThat(partial).doesNotExist();
        assertThat(CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString())
                        .out())
                .contains(source);
    }

    /** Waits (bounded) for the backup to start writing its dump: the moment to kill it. */
    private static Path awaitPartialFile(Path repo, Process backup, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!backup.isAlive()) {
                throw new AssertionError(
                        "the backup ended before it could be killed (exit " + backup.exitValue() + ")");
            }
            Optional<Path> found = partialFile(repo);
            if (found.isPresent() && Files.size(found.get()) > 1_000_000) {
                return found.get();
            }
            backup.waitFor(20, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no partial dump appeared in " + repo + " within " + limit);
    }

    private static Optional<Path> partialFile(Path repo) throws Exception {
        if (!Files.isDirectory(repo)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(repo)) {
            List<Path> partials = files.filter(f -> f.getFileName().toString().endsWith(".partial"))
                    .toList();
            return partials.stream().findFirst();
        }
    }
}
