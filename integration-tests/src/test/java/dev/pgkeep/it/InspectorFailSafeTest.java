package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.internal.archive.ArchiveInspector;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The archive inspector on a table of contents far beyond its first 64 KiB buffer (the defect that failed every real
 * application's backup), and its fail-safety: an archive it cannot read is still stored once pg_restore proves it,
 * while a truly truncated one still fails.
 */
@ExtendWith(PostgresExtension.class)
class InspectorFailSafeTest {
    /** Tables with a 1 KiB comment each: a table of contents of well over 1 MiB. */
    private static final int TABLES = 1_200;
    /** Offset of the archive version's minor number in a custom-format archive ("PGDMP", major, minor). */
    private static final int MINOR_VERSION_OFFSET = 6;

    private static String source = "";
    private static byte[] archive = new byte[0];

    @BeforeAll
    static void createSource(PostgresServer pg, @TempDir Path dir) throws Exception {
        source = PostgresServer.uniqueDatabaseName("bigtoc");
        SampleDatabase.create(pg, source);
        pg.psql(source, """
                CREATE SCHEMA many;
                DO $$
                BEGIN
                  FOR i IN 1..%d LOOP
                    EXECUTE format('CREATE TABLE many.t%%s (id int PRIMARY KEY, note text)', i);
                    EXECUTE format('INSERT INTO many.t%%s VALUES (1, %%L), (2, NULL)', i, 'row of ' || i);
                    EXECUTE format('COMMENT ON TABLE many.t%%s IS %%L', i, repeat('c', 1024));
                  END LOOP;
                END $$;
                """.formatted(TABLES));
        Path file = dir.resolve("big.dump");
        PostgresServerDumps.pgDump(pg, source, file, "--format=custom", "--compress=0");
        archive = Files.readAllBytes(file);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 7, 4096, 65_536, 1 << 20})
    void aTableOfContentsOverOneMebibyteParsesWhateverTheChunking(int chunk) {
        ArchiveInspector inspector = new ArchiveInspector();
        for (int i = 0; i < archive.length; i += chunk) {
            inspector.update(archive, i, Math.min(chunk, archive.length - i));
        }
        inspector.finish();
        assertThat(inspector.verdict())
                .as(String.valueOf(inspector.problem()))
                .isEqualTo(ArchiveInspector.Verdict.COMPLETE);
        assertThat(inspector.tables())
                .filteredOn(t -> t.schema().equals("many"))
                .hasSize(TABLES)
                .allSatisfy(t -> assertThat(t.rows()).isEqualTo(2));
    }

    @Test
    void theArchiveReallyHasALargeTableOfContents() {
        int firstDataBlock = indexOfFirstDataBlock();
        assertThat(firstDataBlock).isGreaterThan(1 << 20);
    }

    @Test
    void aBackupOfALargeCatalogIsStoredWithEveryTablesRows(PostgresServer pg, @TempDir Path dir) {
        BackupManifest m = new ServiceFixture(pg, dir.resolve("repo"))
                .service()
                .backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        assertThat(m.proof()).isEqualTo(new BackupManifest.Proof(BackupManifest.Proof.INSPECTOR, null));
        assertThat(m.tables()).filteredOn(t -> t.schema().equals("many")).hasSize(TABLES);
        assertThat(m.pgDumpPath()).isEqualTo(pg.binDir().resolve("pg_dump").toString());
    }

    /**
     * pg_dump and pg_restore of a future release stand in: pg_dump's archive claims version 1.99 (unknown to the
     * inspector), and pg_restore, given the archive on stdin, reads it back as the real version.
     */
    private static ProcessRunner futureTools(ServiceFixture fx, long cutAfter) {
        ProcessRunner real = fx.recordingRunner();
        int realMinor = archive[MINOR_VERSION_OFFSET];
        return (command, env, wd) -> {
            String program = Path.of(command.get(0)).getFileName().toString();
            if (program.equals("pg_dump") && !command.contains("--version")) {
                return RewritingProcess.stdout(real.start(command, env, wd), MINOR_VERSION_OFFSET, 99, cutAfter);
            }
            if (program.equals("pg_restore") && !command.contains("--version")) {
                return RewritingProcess.stdin(real.start(command, env, wd), MINOR_VERSION_OFFSET, realMinor);
            }
            return real.start(command, env, wd);
        };
    }

    @Test
    void anArchiveTheInspectorCannotReadIsStoredProvenVerifiedAndRestoredIdentically(
            PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service =
                fx.builder().processRunner(futureTools(fx, Long.MAX_VALUE)).build();

        BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        assertThat(m.proof()).isNotNull();
        assertThat(m.proof().method()).isEqualTo(BackupManifest.Proof.PG_RESTORE_READ);
        assertThat(m.proof().detail()).contains("archive version 1.99");
        assertThat(m.tables()).isNull();
        assertThat(fx.commands).anySatisfy(c -> assertThat(c).contains("--file=/dev/null"));

        assertThat(service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST))
                        .archiveEntries())
                .isGreaterThan(TABLES);
        assertThat(service.get(m.id()).orElseThrow().verification().ok()).isTrue();

        String copy = PostgresServer.uniqueDatabaseName("bigtoc_copy");
        try {
            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(copy))
                    .createDatabase(true)
                    .build());
            DatabaseFingerprint original = DatabaseFingerprint.of(pg, source);
            DatabaseFingerprint restored = DatabaseFingerprint.of(pg, copy);
            assertThat(restored).as(() -> original.diff(restored)).isEqualTo(original);
        } finally {
            pg.dropDatabase(copy);
        }
    }

    @Test
    void aTruncatedArchiveTheInspectorCannotReadStillFails(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        long cut = indexOfFirstDataBlock() + (archive.length - indexOfFirstDataBlock()) / 2;
        BackupService service = fx.builder().processRunner(futureTools(fx, cut)).build();
        assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("pg_restore cannot read")
                .hasMessageContaining("nothing was stored");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void aTruncatedArchiveTheInspectorCanReadFailsNamingTheCut(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        long cut = indexOfFirstDataBlock() + (archive.length - indexOfFirstDataBlock()) / 2;
        ProcessRunner real = fx.recordingRunner();
        ProcessRunner cutting =
                (command, env, wd) -> command.get(0).endsWith("pg_dump") && !command.contains("--version")
                        ? RewritingProcess.stdout(real.start(command, env, wd), 0, 'P', cut)
                        : real.start(command, env, wd);
        assertThatThrownBy(() -> fx.builder()
                        .processRunner(cutting)
                        .build()
                        .backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("truncated archive (the archive ends in the middle of a data block)");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @ParameterizedTest(name = "intSize {0}")
    @ValueSource(ints = {9, 33, 255})
    void anArchiveFileWithAnIntegerSizeNoPgDumpWritesIsAnIntegrityErrorAndChangesNothing(
            int intSize, PostgresServer pg, @TempDir Path dir) throws Exception {
        byte[] hostile = archive.clone();
        hostile[MINOR_VERSION_OFFSET + 2] = (byte) intSize;
        Path file = Files.write(dir.resolve("hostile.dump"), hostile);
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        String target = PostgresServer.uniqueDatabaseName("hostile");
        assertThatThrownBy(() -> fx.service()
                        .restore(RestoreRequest.builder(RestoreSource.file(file), pg.connection(target))
                                .createDatabase(true)
                                .build()))
                .isInstanceOf(IntegrityException.class)
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThat(pg.databaseExists(target)).isFalse();
    }

    /** Where the data blocks start: the first byte the inspector reads after the table of contents. */
    private static int indexOfFirstDataBlock() {
        // the table of contents ends where the inspector's header parse ends; find it by feeding growing prefixes
        int low = 0;
        int high = archive.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            ArchiveInspector inspector = new ArchiveInspector();
            inspector.update(archive, 0, mid);
            inspector.finish();
            if (inspector.parsed()) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
