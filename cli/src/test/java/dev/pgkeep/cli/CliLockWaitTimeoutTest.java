package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.HeldSession;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup --lock-wait-timeout}: a table another session holds makes the backup fail instead of hang. */
@ExtendWith(PostgresExtension.class)
class CliLockWaitTimeoutTest {

    @Test
    void aTableHeldInAccessExclusiveModeFailsTheBackupWithExit1AfterTheGivenTimeout(
            PostgresServer pg, @TempDir Path dir) {
        String source = PostgresServer.uniqueDatabaseName("cli_lockwait");
        SampleDatabase.create(pg, source);
        String repo = dir.resolve("r").toString();
        try {
            try (HeldSession migration =
                    pg.hold(source, "BEGIN; LOCK TABLE inventory.items IN ACCESS EXCLUSIVE MODE;")) {
                CliRun run = backup(pg, source, repo, "250ms");
                assertThat(run.exitCode()).as(run::toString).isEqualTo(1);
                assertThat(run.err())
                        .contains("LOCK TABLE")
                        .contains("lock wait timeout of 250 ms")
                        .doesNotContain(pg.password());
            }
            assertThat(CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo)
                            .out())
                    .contains("No backups");
            CliRun bad = backup(pg, source, repo, "5 parsecs");
            assertThat(bad.exitCode()).as(bad::toString).isEqualTo(2);
            assertThat(bad.err()).contains("Invalid duration '5 parsecs' for --lock-wait-timeout");
            // the lock is gone: the same command backs up
            CliRun ok = backup(pg, source, repo, "PT1M");
            assertThat(ok.exitCode()).as(ok::toString).isZero();
        } finally {
            pg.dropDatabase(source);
        }
    }

    private static CliRun backup(PostgresServer pg, String source, String repo, String lockWaitTimeout) {
        return CliRun.run(
                CliEndToEndTest.env(pg),
                "backup",
                "--db",
                pg.url(source),
                "--repo",
                repo,
                "--lock-wait-timeout",
                lockWaitTimeout);
    }
}
