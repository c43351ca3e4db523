package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.PgkeepException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core names a remedy in its own terms; the CLI says which option applies it. */
class CliHintsTest {
    @Test
    void everyRemedyHasAnOptionOrCommandToName() {
        for (PgkeepException.Remedy remedy : PgkeepException.Remedy.values()) {
            assertThat(CliHints.hint(remedy, "shop"))
                    .as(remedy.name())
                    .containsAnyOf("--", "pgkeep list")
                    .doesNotContain("pgkeep.");
        }
        assertThat(CliHints.hint(PgkeepException.Remedy.CONFIRM, "shop")).contains("--confirm shop");
    }

    @Test
    void aToolsFolderWithoutPgDumpNamesPgBin(@TempDir Path empty) {
        CliRun run = CliRun.run(
                Map.of(),
                "backup",
                "--pg-bin",
                empty.toString(),
                "--db",
                "postgresql://app@127.0.0.1:1/shop",
                "--repo",
                empty.resolve("repo").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("No pg_dump").contains("--pg-bin").contains("pgkeep doctor");
    }
}
