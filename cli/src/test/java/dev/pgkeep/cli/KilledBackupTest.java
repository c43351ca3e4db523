package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * leaves no listed backup, does not keep the backup lock, and its partial file, whose lock died with it, is removed by
 * the next backup or prune at once.
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
    void aBackupProcessKilledMidWriteLeavesNothingListedAndTheNextBackupRemovesItsPartial(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        Path partial = killMidWrite(pg, repo, dir);

        assertThat(CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString())
                        .out())
                .contains("No backups");
        assertThat(partial).exists();

        // the lock died with the process, and so did the partial's file lock: the next backup runs and removes the
        // partial at once (no grace period: its writer is provably dead)
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
        assertThat(partial).doesNotExist();
        assertThat(partialFile(repo)).isEmpty();
        assertThat(CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString())
                        .out())
                .contains(source);
    }

    @Test
    void pruneRemovesThePartialOfAKilledBackupAtOnce(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        Path partial = killMidWrite(pg, repo, dir);

        CliRun prune = CliRun.run(CliEndToEndTest.env(pg), "prune", "--repo", repo.toString());
        assertThat(prune.exitCode()).as(prune::toString).isZero();
        assertThat(prune.out()).contains("removed 1 leftover(s)");
        assertThat(partial).doesNotExist();
    }

    /** Starts a backup in its own JVM and SIGKILLs it once its partial dump holds a megabyte; returns the partial. */
    private static Path killMidWrite(PostgresServer pg, Path repo, Path dir) throws Exception {
        Process backup = CliProcess.backup(pg, source, repo.toString(), dir, Map.of());
        Path partial = awaitPartialFile(repo, backup, Duration.ofSeconds(60));
        backup.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup of its own
        assertThat(backup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).isEqualTo(137);
        return partial;
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
