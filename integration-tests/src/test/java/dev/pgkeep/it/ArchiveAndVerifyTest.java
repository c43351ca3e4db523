package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.internal.archive.ArchiveInspector;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The archive inspector on real pg_dump output, verification, foreign archive files and the version check. */
@ExtendWith(PostgresExtension.class)
class ArchiveAndVerifyTest {
    private static String source = "";
    private static byte[] archive = new byte[0];

    @BeforeAll
    static void createSource(PostgresServer pg, @TempDir Path dir) throws Exception {
        source = PostgresServer.uniqueDatabaseName("archive");
        SampleDatabase.create(pg, source);
        SampleDatabase.createLarge(pg, source, 5_000);
        Path file = dir.resolve("a.dump");
        PostgresServerDumps.pgDump(pg, source, file, "--format=custom", "--compress=0");
        archive = Files.readAllBytes(file);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096, 65_536, 1 << 20})
    void inspectorCountsTheSameRowsWhateverTheChunking(int chunk, PostgresServer pg) {
        ArchiveInspector inspector = feed(archive, archive.length, chunk);
        assertThat(inspector.parsed()).isTrue();
        assertThat(inspector.complete()).as(String.valueOf(inspector.problem())).isTrue();
        assertThat(inspector.databaseName()).isEqualTo(source);
        assertThat(inspector.tables()).isNotNull().anySatisfy(t -> {
            assertThat(t.schema()).isEqualTo("bulk");
            assertThat(t.name()).isEqualTo("readings");
            assertThat(t.rows()).isEqualTo(5_000);
        });
        assertThat(inspector.tables()).anySatisfy(t -> assertThat(t.schema()).isEqualTo("Sales Data"));
    }

    @Test
    void inspectorNeverCallsACutArchiveComplete() {
        for (int cut = 1; cut < archive.length; cut += Math.max(1, archive.length / 997)) {
            ArchiveInspector inspector = feed(archive, cut, 8192);
            assertThat(inspector.parsed() && inspector.complete())
                    .as("cut at " + cut)
                    .isFalse();
            assertThat(inspector.tables()).isNull();
        }
    }

    private static ArchiveInspector feed(byte[] data, int length, int chunk) {
        ArchiveInspector inspector = new ArchiveInspector();
        for (int i = 0; i < length; i += chunk) {
            inspector.update(data, i, Math.min(chunk, length - i));
        }
        inspector.finish();
        return inspector;
    }

    @Test
    void verifyRecordsItsResultAndCatchesCorruption(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();

        VerifyResult ok = service.verify(VerifyRequest.withRestoreTest(
                RestoreSource.byId(m.id().value()), pg.connection("postgres"), Trigger.TEST));
        assertThat(ok.tablesCompared()).isEqualTo(m.tables().size());
        assertThat(ok.archiveEntries()).isGreaterThan(10);
        assertThat(service.get(m.id()).orElseThrow().verification())
                .satisfies(v -> assertThat(v.ok()).isTrue())
                .satisfies(v -> assertThat(v.method()).isEqualTo("restore-test"));
        assertThat(pg.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgkeep_verify_%'"))
                .isEqualTo("0");

        Path dump = dir.resolve("repo").resolve(source).resolve(m.id().value()).resolve(m.dumpObject());
        Hashes.flipByte(dump, -100);
        assertThatThrownBy(() -> service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST)))
                .isInstanceOf(IntegrityException.class);
        BackupManifest after = service.get(m.id()).orElseThrow();
        assertThat(after.verification().ok()).isFalse();
        // a backup that failed verification is no longer the "latest good" one
        assertThatThrownBy(() -> service.restore(
                        RestoreRequest.builder(RestoreSource.latest(source), pg.connection("never_created"))
                                .createDatabase(true)
                                .build()))
                .hasMessageContaining("No good backup");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gzip"})
    void restoresACompressedPlainArchiveFileRecognizedByMagicBytes(String codec, PostgresServer pg, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("db.dump." + codec);
        try (OutputStream out = Codec.of(codec, null).compress(Files.newOutputStream(file))) {
            out.write(archive);
        }
        String target = PostgresServer.uniqueDatabaseName("file_" + codec);
        try {
            new ServiceFixture(pg, dir.resolve("repo"))
                    .service()
                    .restore(RestoreRequest.builder(RestoreSource.file(file), pg.connection(target))
                            .createDatabase(true)
                            .build());
            DatabaseFingerprint expected = DatabaseFingerprint.of(pg, source);
            assertThat(DatabaseFingerprint.of(pg, target).diff(expected)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aTruncatedCompressedFileIsAnIntegrityFailure(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path whole = dir.resolve("db.zst");
        try (OutputStream out = Codec.zstd(3).compress(Files.newOutputStream(whole))) {
            out.write(archive);
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.zst");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        String target = PostgresServer.uniqueDatabaseName("cut");
        assertThatThrownBy(() -> new ServiceFixture(pg, dir.resolve("repo"))
                        .service()
                        .restore(RestoreRequest.builder(RestoreSource.file(cut), pg.connection(target))
                                .createDatabase(true)
                                .build()))
                .isInstanceOf(IntegrityException.class);
        assertThat(pg.databaseExists(target)).isFalse();
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefusedNamingBothVersions(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("old-bin"));
        Path fake = bin.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("psql"), pg.binDir().resolve("psql"));
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        assertThatThrownBy(() -> fx.builder()
                        .toolsDirectory(bin)
                        .build()
                        .backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("pg_dump 9.6")
                .hasMessageContaining("PostgreSQL " + pg.serverVersion())
                .hasMessageContaining("PGKEEP_PG_BIN");
        assertThat(fx.storage.list("")).isEmpty();
    }
}
