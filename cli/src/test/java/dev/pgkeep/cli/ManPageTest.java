package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build's man pages (picocli ManPageGenerator + Asciidoctor, in process-classes): troff, one per command. */
class ManPageTest {
    private static final Path MAN = Path.of("target", "man");

    @Test
    void everyCommandHasATroffPageWithItsOptions() throws Exception {
        assertThat(MAN.resolve("pgkeep.1"))
                .as("made by 'mvn process-classes' in the cli module")
                .exists();
        String main = Files.readString(MAN.resolve("pgkeep.1"));
        assertThat(main).contains(".TH \"PGKEEP\" \"1\"");
        for (String command :
                List.of("backup", "restore", "list", "verify", "prune", "delete", "doctor", "demo", "completion")) {
            assertThat(main).contains("\\fB" + command + "\\fP");
            assertThat(MAN.resolve("pgkeep-" + command + ".1")).exists();
        }
        String backup = Files.readString(MAN.resolve("pgkeep-backup.1"));
        assertThat(backup)
                .contains(".SH \"SYNOPSIS\"")
                .contains("\\-\\-encrypt\\-to")
                .contains("PGKEEP_DB")
                .contains("\\-\\-pg\\-bin");
    }
}
