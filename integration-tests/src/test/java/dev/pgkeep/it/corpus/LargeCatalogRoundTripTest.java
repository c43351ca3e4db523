package dev.pgkeep.it.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.corpus.CorpusFingerprint;
import dev.pgkeep.testsupport.corpus.CorpusTarget;
import dev.pgkeep.testsupport.corpus.LargeCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog the size of a big production database survives backup, verify and restore: thousands of tables, a table
 * of contents of megabytes, a thousand partitions, identifiers of exactly 63 bytes.
 */
@ExtendWith(PostgresExtension.class)
class LargeCatalogRoundTripTest {

    @Test
    void aCatalogWithATableOfContentsOver64KiBRoundTrips(PostgresServer pg, @TempDir Path dir) {
        roundTrip(pg, dir, LargeCatalog.small(), 64 * 1024, 1);
    }

    @Test
    @Tag("corpus")
    void aCatalogOf2000TablesAnd1000PartitionsWithATableOfContentsOver5MBRoundTrips(
            PostgresServer pg, @TempDir Path dir) {
        roundTrip(pg, dir, LargeCatalog.full(), 5L * 1000 * 1000, 2);
    }

    private static void roundTrip(
            PostgresServer pg, Path dir, LargeCatalog.Builder size, long minSchemaArchiveBytes, int jobs) {
        String source = PostgresServer.uniqueDatabaseName("catalog");
        String target = null;
        pg.createDatabase(source);
        try {
            CorpusTarget db = CorpusTarget.of(pg, source);
            LargeCatalog.Report made = size.build().create(db);
            long schemaArchive = db.pgDumpBytes("-Fc", "-Z0", "--schema-only");
            System.out.printf(
                    Locale.ROOT,
                    "large catalog of %d tables, %d partitions made in %.1f s; pg_dump -Fc -Z0 --schema-only:"
                            + " %,d bytes%n",
                    made.tables(),
                    made.partitions(),
                    made.elapsed().toMillis() / 1000.0,
                    schemaArchive);
            assertThat(schemaArchive).isGreaterThan(minSchemaArchiveBytes);
            for (String name : made.longIdentifiers()) {
                assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(LargeCatalog.MAX_IDENTIFIER_BYTES);
            }
            assertThat(pg.psql(
                            source,
                            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                                    + PostgresServer.quoteLiteral(LargeCatalog.LONG_SCHEMA) + " AND c.relname = "
                                    + PostgresServer.quoteLiteral(LargeCatalog.LONG_TABLE) + " AND a.attname = "
                                    + PostgresServer.quoteLiteral(LargeCatalog.LONG_COLUMN)))
                    .as("the 63-byte names arrive untruncated")
                    .isEqualTo("1");

            BackupService service = CorpusRoundTrip.service(pg, dir, true).build();
            CorpusRoundTrip.Outcome outcome = CorpusRoundTrip.assertRoundTrips(pg, source, service, jobs);
            target = outcome.target();
            assertThat(outcome.manifest().tables())
                    .extracting(BackupManifest.TableRows::rows)
                    .contains(made.partitionRows() / Math.max(1, made.partitions()));
            assertThat(pg.psql(target, "SELECT count(*) FROM events.daily_event"))
                    .isEqualTo(Long.toString(made.partitionRows()));

            // the repository's own fingerprint agrees, and how long each takes on this catalog
            long t0 = System.nanoTime();
            DatabaseFingerprint plain = DatabaseFingerprint.of(pg, source);
            long t1 = System.nanoTime();
            CorpusFingerprint.of(pg, source);
            long t2 = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "fingerprints of %d tables: DatabaseFingerprint %.1f s, CorpusFingerprint %.1f s%n",
                    made.tables(),
                    (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9);
            DatabaseFingerprint plainCopy = DatabaseFingerprint.of(pg, target);
            assertThat(plainCopy).as(() -> plain.diff(plainCopy)).isEqualTo(plain);
        } finally {
            if (target != null) {
                pg.dropDatabase(target);
            }
            pg.dropDatabase(source);
        }
    }
}
