package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.corpus.CorpusFingerprint;
import dev.pgkeep.testsupport.corpus.CorpusTarget;
import dev.pgkeep.testsupport.corpus.EveryObjectKind;
import dev.pgkeep.testsupport.corpus.LargeCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on databases that look like production: a catalog whose table of contents is far past 64 KiB (the size at
 * which every real application's backup used to fail) and one of every object kind, backed up, verified with a
 * restore test and restored with {@code --create}, identical, with the tools the CLI finds itself.
 */
@ExtendWith(PostgresExtension.class)
class CliCorpusTest {

    private static void roundTrip(PostgresServer pg, Path dir, String source) {
        String repo = dir.resolve("repo").toString();
        Map<String, String> env = Map.of("PGKEEP_PG_BIN", pg.binDir().toString());
        CliRun backup = CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo, "--json");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        CliRun verify = CliRun.run(
                env,
                "verify",
                "--repo",
                repo,
                "--latest",
                "--source",
                source,
                "--restore-test",
                "--db",
                pg.url("postgres"));
        assertThat(verify.exitCode()).as(verify::toString).isZero();
        String copy = PostgresServer.uniqueDatabaseName("cli_corpus_copy");
        try {
            CliRun restore = CliRun.run(
                    env, "restore", "--repo", repo, "--latest", "--source", source, "--db", pg.url(copy), "--create");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            CorpusFingerprint original = CorpusFingerprint.of(pg, source);
            CorpusFingerprint restored = CorpusFingerprint.of(pg, copy);
            assertThat(restored).as(() -> original.diff(restored)).isEqualTo(original);
        } finally {
            EveryObjectKind.dropDatabase(CorpusTarget.of(pg, "postgres"), copy);
        }
    }

    @Test
    void aLargeCatalogRoundTrips(PostgresServer pg, @TempDir Path dir) {
        String source = PostgresServer.uniqueDatabaseName("cli_catalog");
        pg.createDatabase(source);
        try {
            LargeCatalog.small().build().create(CorpusTarget.of(pg, source));
            roundTrip(pg, dir, source);
        } finally {
            pg.dropDatabase(source);
        }
    }

    @Test
    void everyObjectKindRoundTrips(PostgresServer pg, @TempDir Path dir) {
        String source = PostgresServer.uniqueDatabaseName("cli_kinds");
        pg.createDatabase(source);
        EveryObjectKind corpus = EveryObjectKind.builder().build();
        List<String> roles = corpus.roles();
        try {
            corpus.create(CorpusTarget.of(pg, source));
            roundTrip(pg, dir, source);
        } finally {
            EveryObjectKind.dropDatabase(CorpusTarget.of(pg, "postgres"), source);
            EveryObjectKind.dropRoles(CorpusTarget.of(pg, "postgres"), roles);
        }
    }
}
