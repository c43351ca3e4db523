package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backup → restore reproduces a database full of awkward objects and data exactly, whatever the codec and mode. */
@ExtendWith(PostgresExtension.class)
class BackupRestoreRoundTripTest {
    private static String source = "";
    private static DatabaseFingerprint original;

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("roundtrip_src");
        SampleDatabase.create(pg, source);
        original = DatabaseFingerprint.of(pg, source);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of(Codec.zstd(3), 1),
                Arguments.of(Codec.gzip(6), 1),
                Arguments.of(Codec.none(), 1),
                Arguments.of(Codec.zstd(1), 2));
    }

    @ParameterizedTest(name = "{0}, jobs={1}")
    @MethodSource("modes")
    void restoreIntoANewDatabaseIsIdentical(Codec codec, int jobs, PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.builder().codec(codec).build();
        BackupResult backup = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        String target = PostgresServer.uniqueDatabaseName("roundtrip_new");
        try {
            RestoreResult restored = service.restore(
                    RestoreRequest.builder(RestoreSource.byId(backup.id().value()), pg.connection(target))
                            .createDatabase(true)
                            .jobs(jobs)
                            .build());
            assertThat(restored.created()).isTrue();
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy).as(() -> original.diff(copy)).isEqualTo(original);
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void manifestRecordsWhatWasStored(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupManifest m = fx.service()
                .backup(BackupRequest.of(pg.connection(source), Trigger.TEST).withLabel("nightly"))
                .manifest();
        Path dump = dir.resolve("repo").resolve(source).resolve(m.id().value()).resolve(m.dumpObject());
        assertThat(dump).exists();
        assertThat(Files.size(dump)).isEqualTo(m.storedBytes());
        assertThat(m.dumpObject()).isEqualTo("dump.pgc.zst");
        assertThat(m.sha256()).isEqualTo(Hashes.sha256(dump));
        assertThat(m.dumpBytes()).isGreaterThan(m.storedBytes());
        assertThat(m.label()).isEqualTo("nightly");
        assertThat(m.trigger()).isEqualTo(Trigger.TEST);
        assertThat(m.server()).startsWith(String.valueOf(pg.serverMajorVersion()));
        assertThat(m.compression()).isEqualTo(new BackupManifest.Compression("zstd", Codec.DEFAULT_ZSTD_LEVEL));
        assertThat(m.encryption()).isNull();
        // row counts come from the archive itself and match the database
        List<BackupManifest.TableRows> tables = m.tables();
        assertThat(tables).isNotNull().isNotEmpty();
        for (BackupManifest.TableRows t : tables) {
            String counted = pg.psql(
                    source,
                    "SELECT count(*) FROM ONLY " + PostgresServer.quoteIdentifier(t.schema()) + "."
                            + PostgresServer.quoteIdentifier(t.name()));
            assertThat(Long.parseLong(counted)).as(t.schema() + "." + t.name()).isEqualTo(t.rows());
        }
        assertThat(tables).anySatisfy(t -> assertThat(t.rows()).isZero()); // the empty table
        assertThat(fx.service().list(source)).extracting(BackupManifest::id).containsExactly(m.id());
    }

    @Test
    void restoreOverAnExistingDatabaseReplacesItsContents(PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        String target = PostgresServer.uniqueDatabaseName("roundtrip_over");
        SampleDatabase.create(pg, target);
        pg.psql(target, "UPDATE inventory.items SET note = 'changed'; DELETE FROM \"Sales Data\".orders;");
        try {
            RestoreResult result =
                    service.restore(RestoreRequest.builder(RestoreSource.latest(source), pg.connection(target))
                            .force(true)
                            .build());
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy).as(() -> original.diff(copy)).isEqualTo(original);
            // the previous contents were saved first
            assertThat(result.safetyBackupId()).isNotNull();
            BackupManifest safety = service.get(result.safetyBackupId()).orElseThrow();
            assertThat(safety.label()).isEqualTo("pre-restore");
            assertThat(safety.database()).isEqualTo(target);
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void createCarriesTheDatabasesEncodingLocaleSettingsAndComment(PostgresServer pg, @TempDir Path dir) {
        String odd = PostgresServer.uniqueDatabaseName("odd_props");
        String target = PostgresServer.uniqueDatabaseName("odd_props_copy");
        pg.psql("postgres", "CREATE DATABASE " + odd + " TEMPLATE template0 ENCODING 'LATIN1' LOCALE 'C'");
        try {
            pg.psql(
                    "postgres",
                    "ALTER DATABASE " + odd + " SET \"TimeZone\" TO 'Pacific/Auckland';"
                            + " ALTER DATABASE " + odd + " SET search_path TO app, public;"
                            + " COMMENT ON DATABASE " + odd + " IS 'the app''s data; keep it';");
            pg.psql(odd, "CREATE SCHEMA app; CREATE TABLE app.t (n text); INSERT INTO app.t VALUES ('Zürich');");
            DatabaseFingerprint before = DatabaseFingerprint.of(pg, odd);
            assertThat(before.database()).contains("encoding LATIN1", "Pacific/Auckland", "keep it");

            ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
            BackupService service = fx.service();
            BackupResult backup = service.backup(BackupRequest.of(pg.connection(odd), Trigger.TEST));
            service.restore(
                    RestoreRequest.builder(RestoreSource.byId(backup.id().value()), pg.connection(target))
                            .createDatabase(true)
                            .build());
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy).as(() -> before.diff(copy)).isEqualTo(before);
        } finally {
            pg.dropDatabase(target);
            pg.dropDatabase(odd);
        }
    }
}
