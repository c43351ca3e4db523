package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI says about a damaged repository and how it sets the grace period: {@code list} and {@code prune} name
 * the manifests they skipped (a warning line, a JSON field), and {@code prune --incomplete-write-grace} decides when
 * leftovers that cannot be proven dead go.
 */
@ExtendWith(PostgresExtension.class)
class CliLeftoversTest {
    private static String source = "";

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_leftovers");
        SampleDatabase.create(pg, source);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @Test
    void listAndPruneWarnAboutAnUnreadableManifestAndStillWork(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        CliRun backup =
                CliRun.run(CliEndToEndTest.env(pg), "backup", "--db", pg.url(source), "--repo", repo.toString());
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        String garbage = source + "/20260101T000000Z-aaaaaaaaaaaa/manifest.json";
        Files.createDirectories(repo.resolve(garbage).getParent());
        Files.writeString(repo.resolve(garbage), "{ not json");

        CliRun list = CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString());
        assertThat(list.exitCode()).as(list::toString).isZero();
        assertThat(list.out()).contains(source);
        assertThat(list.err()).contains("Warning: skipped 1 unreadable manifest(s)", garbage);

        CliRun json = CliRun.run(CliEndToEndTest.env(pg), "list", "--repo", repo.toString(), "--json");
        assertThat(json.out()).contains("\"skippedManifests\":[\"" + garbage + "\"]");

        CliRun prune = CliRun.run(CliEndToEndTest.env(pg), "prune", "--repo", repo.toString(), "--json");
        assertThat(prune.exitCode()).as(prune::toString).isZero();
        assertThat(prune.out()).contains("\"skippedManifests\":[\"" + garbage + "\"]");
        assertThat(repo.resolve(garbage)).exists();
    }

    @Test
    void pruneRemovesAYoungOrphanOnlyWhenTheGracePeriodAllows(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        // a dump without manifest, as a run killed between the two leaves it; prune holds no database lock, so only
        // its age can make it provably dead
        Path orphan = repo.resolve(source + "/20260101T000000Z-bbbbbbbbbbbb/dump.pgc.zst");
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, new byte[] {1, 2, 3});

        CliRun kept = CliRun.run(CliEndToEndTest.env(pg), "prune", "--repo", repo.toString());
        assertThat(kept.exitCode()).as(kept::toString).isZero();
        assertThat(orphan).exists();

        CliRun bad = CliRun.run(
                CliEndToEndTest.env(pg), "prune", "--repo", repo.toString(), "--incomplete-write-grace", "soon");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'soon' is not a duration");

        CliRun removed = CliRun.run(
                CliEndToEndTest.env(pg), "prune", "--repo", repo.toString(), "--incomplete-write-grace", "0s");
        assertThat(removed.exitCode()).as(removed::toString).isZero();
        assertThat(removed.out()).contains("removed 1 leftover(s)");
        try (Stream<Path> left = Files.walk(repo)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
