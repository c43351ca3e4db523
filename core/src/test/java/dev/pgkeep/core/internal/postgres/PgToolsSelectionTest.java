package dev.pgkeep.core.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.internal.command.FakeProcessRunner;
import dev.pgkeep.core.internal.command.FakeProcessRunner.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which tools pgkeep picks per server major, with tool folders that answer {@code --version} like the real ones. */
class PgToolsSelectionTest {
    /** Answers {@code <folder>/pg_dump --version} as a pg_dump of that folder's version would. */
    private final FakeProcessRunner runner = new FakeProcessRunner();

    private Path install(Path root, String version) throws IOException {
        Path bin = Files.createDirectories(root.resolve(version).resolve("bin"));
        for (String program : PostgresTools.CLIENT_PROGRAMS) {
            Path p = Files.writeString(bin.resolve(program), "");
            p.toFile().setExecutable(true);
            runner.onPath(p.toString(), Answer.ok("pg_dump (PostgreSQL) " + version + "\n"));
        }
        return bin;
    }

    @Test
    void theServersOwnMajorElseTheNearestNewer(@TempDir Path root) throws IOException {
        Path v15 = install(root, "15.18");
        Path v17 = install(root, "17.12");
        Path v18 = install(root, "18.6");
        PgTools tools = PgTools.locate(List.of(v18, v15, v17), runner);

        assertThat(tools.installations())
                .extracting(PostgresTools.Installation::major)
                .containsExactly(15, 17, 18);
        assertThat(tools.forServer(13, "PostgreSQL 13").program("pg_dump"))
                .isEqualTo(v15.resolve("pg_dump").toString());
        assertThat(tools.forServer(15, "PostgreSQL 15").installation().version())
                .isEqualTo("15.18");
        assertThat(tools.forServer(16, "PostgreSQL 16").installation().binDir()).isEqualTo(v17);
        assertThat(tools.forServer(18, "PostgreSQL 18").program("pg_restore"))
                .isEqualTo(v18.resolve("pg_restore").toString());
        // without a server, the newest tools run the short programs (they read every older archive)
        assertThat(tools.program("psql")).isEqualTo(v18.resolve("psql").toString());
    }

    @Test
    void noSuitableToolsIsAFailureNamingTheServerAndEveryVersionFound(@TempDir Path root) throws IOException {
        Path v13 = install(root, "13.22");
        Path v15 = install(root, "15.18");
        PgTools tools = PgTools.locate(List.of(v13, v15), runner);
        assertThatThrownBy(() -> tools.forServer(16, "PostgreSQL 16.4 (app@db:5432/shop)"))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("PostgreSQL 16.4 (app@db:5432/shop)")
                .hasMessageContaining("13.22")
                .hasMessageContaining("15.18")
                .hasMessageContaining(v15.toString())
                .hasMessageContaining("postgresql-client-16");
    }

    @Test
    void oneOlderInstallationKeepsTheOlderThanTheServerMessage(@TempDir Path root) throws IOException {
        Path v15 = install(root, "15.18");
        PgTools tools = PgTools.locate(List.of(v15), runner);
        assertThatThrownBy(() -> tools.forServer(17, "PostgreSQL 17.2"))
                .hasMessageContaining("pg_dump 15.18")
                .hasMessageContaining("is older than the server PostgreSQL 17.2");
    }

    @Test
    void foldersWithoutPgDumpAreSkippedAndAnEmptyListIsRefused(@TempDir Path root) throws IOException {
        Path serverOnly = Files.createDirectories(root.resolve("16/bin"));
        Files.writeString(serverOnly.resolve("postgres"), "").toFile().setExecutable(true);
        Path v17 = install(root, "17.12");
        assertThat(PgTools.locate(List.of(serverOnly, v17), runner).installations())
                .extracting(PostgresTools.Installation::binDir)
                .containsExactly(v17);
        assertThatThrownBy(() -> PgTools.locate(List.of(serverOnly), runner))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("No pg_dump")
                .hasMessageContaining(serverOnly.toString());
    }

    @Test
    void versionsAreAskedOncePerFolder(@TempDir Path root) throws IOException {
        Path v15 = install(root, "15.18");
        Path v17 = install(root, "17.12");
        PgTools tools = PgTools.locate(List.of(v15, v17), runner);
        tools.forServer(15, "a");
        tools.forServer(16, "b").forServer(17, "c");
        tools.program("psql");
        assertThat(runner.commands).hasSize(2);
    }

    @Test
    void aColonSeparatedListBecomesFolders() {
        assertThat(ToolFolders.split("/a/bin::/b/bin: ")).containsExactly(Path.of("/a/bin"), Path.of("/b/bin"));
    }
}
