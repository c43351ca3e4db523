package dev.pgkeep.it.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.testsupport.PostgresMajors;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.corpus.CorpusTarget;
import dev.pgkeep.testsupport.corpus.EveryObjectKind;
import dev.pgkeep.testsupport.corpus.LargeCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object kind on every supported major, 13 to 18, each on a private server of that major, backed up and
 * restored with the tools pgkeep chooses for it among every tools folder it finds ({@code PGKEEP_PG_BIN}, as CI
 * sets it). What a major cannot have is skipped by the corpus itself and printed.
 */
@Tag("corpus")
class EveryObjectKindOnEveryMajorTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void theFullLargeCatalogRoundTripsOnEveryMajor(int major, @TempDir Path dir) {
        try (PostgresServer pg = serverOf(major)) {
            String source = PostgresServer.uniqueDatabaseName("catalog_" + major);
            pg.createDatabase(source);
            LargeCatalog.full().build().create(CorpusTarget.of(pg, source));
            BackupService service = CorpusRoundTrip.service(pg, dir, false).build();
            CorpusRoundTrip.assertRoundTrips(pg, source, service, 1);
        }
    }

    /** A private server of {@code major} with the tools pgkeep would choose; skipped (or failed, when required). */
    private static PostgresServer serverOf(int major) {
        Path serverBin = PostgresMajors.server(major);
        assumeTrue(serverBin != null, "no PostgreSQL " + major + " server installed");
        Optional<PostgresTools.Installation> tools =
                PostgresTools.discover(List.of(), ProcessRunner.local(), null).installations().stream()
                        .filter(i -> i.major() >= major)
                        .findFirst();
        if (PostgresMajors.required().contains(major)) {
            assertThat(tools).as("client tools for PostgreSQL " + major).isPresent();
        }
        assumeTrue(tools.isPresent(), "no client tools of PostgreSQL " + major + " or newer");
        return PostgresServer.start(serverBin, tools.get().binDir());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void everyObjectKindRoundTripsOnEveryMajor(int major, @TempDir Path dir) {
        try (PostgresServer pg = serverOf(major)) {
            assertThat(pg.serverMajorVersion()).isEqualTo(major);
            String source = PostgresServer.uniqueDatabaseName("every_kind_" + major);
            pg.createDatabase(source);
            EveryObjectKind.Report made = EveryObjectKind.builder().build().create(CorpusTarget.of(pg, source));
            System.out.printf("PostgreSQL %s: skipped %s%n", pg.serverVersion(), made.skipped());
            if (major == 15 && PostgresMajors.required().contains(15)) {
                // CI installs postgresql-15-postgis-3 (see .ci/run)
                assertThat(made.extensions()).contains("postgis");
            }
            // no tools folder given: pgkeep chooses among every installed major, as in production
            BackupService service = CorpusRoundTrip.service(pg, dir, false).build();
            CorpusRoundTrip.assertRoundTrips(pg, source, service, 1);
        }
    }
}
