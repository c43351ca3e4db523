package dev.pgkeep.core.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgkeep decides by the tools' words (pg_restore's "unsupported version" is the tools' fault, not the backup's); on a
 * host whose locale translates them, those words must still come in English, or a good backup passes for a damaged
 * one.
 */
class ToolMessagesTest {

    @Test
    void theToolsSpeakEnglishOnAHostWhoseLocaleTranslatesThem(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/pg_dump-15.mo")),
                "pg_restore's German messages (pg_dump-15.mo) are not installed");
        // the host's environment beneath what pgkeep passes: German messages (LANGUAGE works with C.UTF-8)
        ProcessRunner german = (command, environment, workingDirectory) -> {
            Map<String, String> host = new LinkedHashMap<>(Map.of("LC_ALL", "C.UTF-8", "LANGUAGE", "de"));
            host.putAll(environment);
            return ProcessRunner.local().start(command, host, workingDirectory);
        };
        PgTools tools = PgTools.locate(Path.of("/usr/lib/postgresql/15/bin"), german);
        Path notAnArchive = Files.writeString(dir.resolve("junk.dump"), "junk");

        PgRestoreCheck.Result listed;
        try (PgRestoreCheck check = PgRestoreCheck.start(tools, List.of("--list", notAnArchive.toString()))) {
            listed = check.finish();
        }

        assertThat(listed.ok()).isFalse();
        assertThat(listed.message()).contains("pg_restore: error: input file").doesNotContain("Fehler");
    }

    @Test
    void theHostsRunnerStillGetsPgkeepsEnvironment() throws IOException, InterruptedException {
        Map<String, String> seen = new LinkedHashMap<>();
        ProcessRunner recording = (command, environment, workingDirectory) -> {
            seen.putAll(environment);
            return ProcessRunner.local().start(List.of("true"), Map.of(), null);
        };
        PgTools tools = PgTools.locate((Path) null, recording);

        tools.runner()
                .start(List.of("pg_dump"), Map.of("PGHOST", "db.internal"), null)
                .waitFor();

        assertThat(seen)
                .containsEntry("PGHOST", "db.internal")
                .containsEntry("LC_MESSAGES", "C")
                .containsEntry("LC_ALL", "");
    }
}
