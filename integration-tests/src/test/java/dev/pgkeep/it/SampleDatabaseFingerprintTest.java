package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two sample databases fingerprint equal, and the fingerprint notices a changed row, table, sequence or object. */
@ExtendWith(PostgresExtension.class)
class SampleDatabaseFingerprintTest {
    private static String first = "";
    private static String second = "";
    private static DatabaseFingerprint firstPrint;

    @BeforeAll
    static void createTwoSampleDatabases(PostgresServer pg) {
        first = PostgresServer.uniqueDatabaseName("sample_a");
        second = PostgresServer.uniqueDatabaseName("sample_b");
        SampleDatabase.create(pg, first);
        SampleDatabase.create(pg, second);
        firstPrint = DatabaseFingerprint.of(pg, first);
    }

    @AfterAll
    static void dropThem(PostgresServer pg) {
        pg.dropDatabase(first);
        pg.dropDatabase(second);
    }

    @Test
    void sampleHoldsTheVarietyItPromises(PostgresServer pg) {
        assertThat(firstPrint.relations())
                .containsKeys(
                        "inventory.items",
                        "\"Sales Data\".orders",
                        "\"Sales Data\".measurements_2025",
                        "\"Sales Data\".measurements_2026",
                        "\"Sales Data\".quantity_per_item",
                        "audit.item_events",
                        "audit.archived_events",
                        "public.documents",
                        "public.empty_table")
                .doesNotContainKey("\"Sales Data\".measurements");
        assertThat(firstPrint.relations().get("inventory.items").rows()).isEqualTo(SampleDatabase.ITEM_ROWS + 4);
        assertThat(firstPrint
                        .relations()
                        .get("\"Sales Data\".measurements_2025")
                        .rows())
                .isPositive();
        assertThat(firstPrint
                        .relations()
                        .get("\"Sales Data\".measurements_2026")
                        .rows())
                .isPositive();
        assertThat(firstPrint.relations().get("public.empty_table").rows()).isZero();
        // the trigger logged every insert and the two updates
        assertThat(firstPrint.relations().get("audit.item_events").rows()).isEqualTo(SampleDatabase.ITEM_ROWS + 4 + 2);
        assertThat(firstPrint.sequences()).containsEntry("inventory.invoice_no", "4242");
        assertThat(firstPrint.largeObjects()).startsWith("1 large objects");
        assertThat(firstPrint.schema())
                .contains("CREATE TYPE inventory.item_status AS ENUM")
                .contains("CREATE DOMAIN inventory.positive_qty")
                .contains("CREATE MATERIALIZED VIEW \"Sales Data\".quantity_per_item")
                .contains("COMMENT ON COLUMN inventory.items.sku")
                .doesNotContain("-- Dumped by")
                .doesNotContain(first);
        assertThat(pg.psql(first, "SELECT note FROM inventory.items WHERE sku = 'AWKWARD-2'"))
                .isEqualTo("Zürich ☃ 東京");
        assertThat(pg.psql(first, "SELECT note FROM inventory.items WHERE sku = 'AWKWARD-1'"))
                .isEqualTo("line one\nline two\ttabbed \\ backslash 'single' \"double\"");
    }

    @Test
    void twoSampleDatabasesFingerprintEqual(PostgresServer pg) {
        DatabaseFingerprint secondPrint = DatabaseFingerprint.of(pg, second);
        assertThat(firstPrint.diff(secondPrint)).isEmpty();
        assertThat(secondPrint).isEqualTo(firstPrint);
    }

    @Test
    void realDumpAndRestoreKeepsTheFingerprint(PostgresServer pg) throws Exception {
        String restored = PostgresServer.uniqueDatabaseName("sample_restored");
        Path dump = Files.createTempFile("sample-", ".pgc");
        try {
            run(pg, first, pg.binDir().resolve("pg_dump").toString(), "-Fc", "-f", dump.toString(), "-d", first);
            pg.createDatabase(restored);
            run(
                    pg,
                    restored,
                    pg.binDir().resolve("pg_restore").toString(),
                    "--exit-on-error",
                    "-d",
                    restored,
                    dump.toString());
            assertThat(firstPrint.diff(DatabaseFingerprint.of(pg, restored))).isEmpty();
        } finally {
            Files.deleteIfExists(dump);
            pg.dropDatabase(restored);
        }
    }

    private static void run(PostgresServer pg, String db, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(pg.clientEnvironment(db));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void largeSampleIsDeterministic(PostgresServer pg) {
        String a = PostgresServer.uniqueDatabaseName("large_a");
        String b = PostgresServer.uniqueDatabaseName("large_b");
        try {
            SampleDatabase.createLarge(pg, a, 2_000);
            SampleDatabase.createLarge(pg, b, 2_000);
            DatabaseFingerprint printA = DatabaseFingerprint.of(pg, a);
            assertThat(printA.relations().get("bulk.readings").rows()).isEqualTo(2_000);
            assertThat(printA.diff(DatabaseFingerprint.of(pg, b))).isEmpty();
        } finally {
            pg.dropDatabase(a);
            pg.dropDatabase(b);
        }
    }

    @Test
    void oneChangedRowIsDetected(PostgresServer pg) {
        String db = PostgresServer.uniqueDatabaseName("sample_changed");
        SampleDatabase.create(pg, db);
        try {
            pg.psql(db, "UPDATE \"Sales Data\".orders SET quantity = quantity + 1 WHERE id = 17");
            DatabaseFingerprint changed = DatabaseFingerprint.of(pg, db);
            assertThat(changed).isNotEqualTo(firstPrint);
            assertThat(firstPrint.diff(changed))
                    .startsWith("table \"Sales Data\".orders: expected 120 rows")
                    .doesNotContain("inventory.items");

            pg.psql(
                    db,
                    "DROP TABLE public.empty_table; SELECT setval('inventory.invoice_no', 5000);" + " SELECT lo_put("
                            + SampleDatabase.LARGE_OBJECT_OID + ", 0, '\\x00')");
            String diff = firstPrint.diff(DatabaseFingerprint.of(pg, db));
            assertThat(diff)
                    .contains("schema differs")
                    .contains("  - CREATE TABLE public.empty_table (")
                    .contains("table public.empty_table: missing")
                    .contains("sequence inventory.invoice_no: expected last value 4242 but was 5000")
                    .contains("large objects: expected");
        } finally {
            pg.dropDatabase(db);
        }
    }
}
