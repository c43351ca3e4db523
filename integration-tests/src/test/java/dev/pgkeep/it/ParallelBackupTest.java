package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupContents;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --jobs N}: pg_dump's directory format, one stored object per file, restored, verified, copied and
 * listed like any backup, on the real pg_dump, pg_restore, storage and S3 API.
 */
@ExtendWith(PostgresExtension.class)
class ParallelBackupTest {
    /** Enough rows that the big table's file is written (and read back) over many reads. */
    private static final int BULK_ROWS = 60_000;

    private static String source = "";
    private static DatabaseFingerprint original;

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("parallel_src");
        SampleDatabase.create(pg, source); // tables, a sequence, views, a large object
        SampleDatabase.createLarge(pg, source, BULK_ROWS);
        original = DatabaseFingerprint.of(pg, source);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    private static BackupRequest parallel(PostgresServer pg) {
        return BackupRequest.of(pg.connection(source), Trigger.TEST).withJobs(2);
    }

    @Test
    void aParallelBackupStoresEveryFileAndRestoresVerifiesAndCopiesIdentically(PostgresServer pg, @TempDir Path dir)
            throws IOException {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();

        BackupManifest m = service.backup(parallel(pg)).manifest();

        assertThat(fx.commands)
                .anySatisfy(c -> assertThat(c).contains("--format=directory", "--jobs=2", "--compress=0"));
        assertThat(m.format()).isEqualTo(BackupManifest.DIRECTORY);
        assertThat(m.formatVersion()).isEqualTo(2);
        List<BackupManifest.StoredObject> objects = m.objects();
        assertThat(objects).extracting(BackupManifest.StoredObject::file).contains("toc.dat");
        assertThat(objects.size()).isGreaterThan(3);
        assertThat(m.storedBytes())
                .isEqualTo(objects.stream()
                        .mapToLong(BackupManifest.StoredObject::storedBytes)
                        .sum());
        for (BackupManifest.StoredObject o : objects) {
            Path stored = backupFolder(fx.repo, m).resolve(o.name());
            assertThat(Files.size(stored)).as(o.name()).isEqualTo(o.storedBytes());
            assertThat(Hashes.sha256(stored)).as(o.name()).isEqualTo(o.sha256());
        }
        assertThat(m.tables()).contains(new BackupManifest.TableRows("bulk", "readings", BULK_ROWS));
        assertThat(m.tables()).contains(new BackupManifest.TableRows("public", "empty_table", 0));
        // the spool folder is gone
        try (Stream<Path> left = Files.list(dir.resolve("repo-tmp"))) {
            assertThat(left).isEmpty();
        }
        assertThat(service.list(source)).extracting(BackupManifest::id).containsExactly(m.id());

        String target = PostgresServer.uniqueDatabaseName("parallel_new");
        try {
            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(target))
                    .createDatabase(true)
                    .jobs(2)
                    .build());
            assertThat(fx.commands)
                    .anySatisfy(c -> assertThat(c.get(0))
                            .endsWith("pg_restore")
                            .satisfies(x -> assertThat(c).contains("--jobs=2")));
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy).as(() -> original.diff(copy)).isEqualTo(original);
        } finally {
            pg.dropDatabase(target);
        }

        VerifyResult checked = service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST));
        assertThat(checked.archiveEntries()).isGreaterThan(10);
        VerifyResult restored = service.verify(VerifyRequest.withRestoreTest(
                RestoreSource.byId(m.id().value()), pg.connection("postgres"), Trigger.TEST));
        assertThat(restored.tablesCompared()).isEqualTo(m.tables().size());
        assertThat(service.get(m.id()).orElseThrow().verification().ok()).isTrue();

        BackupContents contents = service.contents(RestoreSource.byId(m.id().value()));
        assertThat(contents.tables())
                .anySatisfy(t -> assertThat(t.name())
                        .isEqualTo("readings")
                        .satisfies(x -> assertThat(t.rows()).isEqualTo(BULK_ROWS)));

        String selective = PostgresServer.uniqueDatabaseName("parallel_table");
        try {
            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(selective))
                    .createDatabase(true)
                    .table("bulk.readings")
                    .build());
            assertThat(pg.psql(selective, "SELECT count(*) FROM bulk.readings").strip())
                    .isEqualTo(Integer.toString(BULK_ROWS));
            assertThat(pg.psql(selective, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                            .strip())
                    .isEqualTo("0");
        } finally {
            pg.dropDatabase(selective);
        }

        LocalStorageAdapter copyTarget = new LocalStorageAdapter(dir.resolve("copy"));
        service.copy(CopyRequest.backup(m.id(), copyTarget));
        BackupService fromCopy = new ServiceFixture(pg, dir.resolve("copy")).service();
        assertThat(fromCopy.get(m.id())).isPresent();
        fromCopy.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST));

        service.delete(m.id());
        assertThat(service.list(source)).isEmpty();
        assertThat(Files.exists(backupFolder(fx.repo, m))).isFalse();
    }

    @Test
    void aFlippedByteInOneObjectIsRefusedBeforeTheTargetIsTouched(PostgresServer pg, @TempDir Path dir)
            throws IOException {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest m = service.backup(parallel(pg)).manifest();
        BackupManifest.StoredObject big = m.objects().stream()
                .max((a, b) -> Long.compare(a.storedBytes(), b.storedBytes()))
                .orElseThrow();
        Path object = backupFolder(fx.repo, m).resolve(big.name());
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(object, bytes);
        String target = PostgresServer.uniqueDatabaseName("parallel_corrupt");
        SampleDatabase.create(pg, target);
        pg.psql(target, "INSERT INTO public.empty_table VALUES (1, 'must survive')");
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);
        fx.commands.clear();
        try {
            assertThatThrownBy(() -> service.restore(
                            RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(target))
                                    .force(true)
                                    .safetyBackup(false)
                                    .jobs(2)
                                    .build()))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(big.name())
                    .hasMessageContaining("Nothing was restored");
            assertThat(fx.commands).noneMatch(c -> c.get(0).endsWith("pg_restore"));
            assertThat(before.diff(DatabaseFingerprint.of(pg, target))).isEmpty();
            // listing the contents needs only the table of contents, which is intact
            assertThat(service.contents(RestoreSource.byId(m.id().value())).tables())
                    .isNotEmpty();
            assertThatThrownBy(() -> service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST)))
                    .isInstanceOf(IntegrityException.class);
            assertThat(service.get(m.id()).orElseThrow().verification().ok()).isFalse();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aPgDumpKilledMidRunLeavesNothingListedAndLeftoversAreCleaned(PostgresServer pg, @TempDir Path dir)
            throws IOException {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        // kills pg_dump as soon as it reports its first finished table: some objects are stored by then
        ProcessRunner local = fx.recordingRunner();
        ProcessRunner killing = (command, env, wd) -> {
            ProcessRunner.RunningProcess p = local.start(command, env, wd);
            if (!command.get(0).endsWith("pg_dump")) {
                return p;
            }
            return new DelegatingProcess(p) {
                @Override
                public InputStream stderr() {
                    return new KillOnText(p.stderr(), "finished item", p);
                }
            };
        };
        BackupService service = fx.builder().processRunner(killing).build();

        assertThatThrownBy(() -> service.backup(parallel(pg)))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("pg_dump");
        assertThat(service.list(source)).isEmpty();
        // what a killed JVM would leave: a backup folder of objects without a manifest
        BackupManifest good = fx.service().backup(parallel(pg)).manifest();
        Files.delete(backupFolder(fx.repo, good).resolve("manifest.json"));
        assertThat(fx.service().list(source)).isEmpty();

        BackupManifest next = fx.service().backup(parallel(pg)).manifest();

        try (Stream<Path> folders = Files.list(fx.repo.resolve(source))) {
            assertThat(folders.map(f -> f.getFileName().toString()))
                    .containsExactly(next.id().value());
        }
    }

    @Test
    void aHostWhoseLocaleTranslatesPgDumpStillHasTablesStoredAsPgDumpFinishesThem(
            PostgresServer pg, @TempDir Path dir) {
        Assumptions.assumeTrue(
                Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/pg_dump-15.mo")),
                "pg_dump's German messages are not installed");
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        ProcessRunner local = fx.recordingRunner();
        java.io.ByteArrayOutputStream pgDumpLog = new java.io.ByteArrayOutputStream();
        // the host's own environment beneath pgkeep's: pg_dump would talk German (LANGUAGE works with C.UTF-8)
        ProcessRunner german = (command, env, wd) -> {
            Map<String, String> host = new java.util.LinkedHashMap<>(Map.of("LC_ALL", "C.UTF-8", "LANGUAGE", "de"));
            host.putAll(env);
            ProcessRunner.RunningProcess p = local.start(command, host, wd);
            if (!command.get(0).endsWith("pg_dump")) {
                return p;
            }
            return new DelegatingProcess(p) {
                @Override
                public InputStream stderr() {
                    return new java.io.FilterInputStream(p.stderr()) {
                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = super.read(b, off, len);
                            if (n > 0) {
                                synchronized (pgDumpLog) {
                                    pgDumpLog.write(b, off, n);
                                }
                            }
                            return n;
                        }
                    };
                }
            };
        };
        BackupService service = fx.builder().processRunner(german).build();

        BackupManifest m = service.backup(parallel(pg)).manifest();

        String log;
        synchronized (pgDumpLog) {
            log = pgDumpLog.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(log).contains("finished item").doesNotContain("abgeschlossen");
        assertThat(m.directory()).isTrue();
    }

    @Test
    void aSpoolFolderThatCannotBeCreatedFailsClearlyAndStoresNothing(PostgresServer pg, @TempDir Path dir)
            throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "a file");
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service =
                fx.builder().tempDirectory(notAFolder.resolve("tmp")).build();

        assertThatThrownBy(() -> service.backup(parallel(pg)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("spool folder")
                .hasMessageContaining(notAFolder.resolve("tmp").toString())
                .hasMessageContaining("one job");
        assertThat(service.list(source)).isEmpty();
        assertThat(fx.commands).noneMatch(c -> c.contains("--format=directory"));
    }

    @Test
    void aProcessRunnerWhosePgDumpWritesElsewhereFailsClearlyAndStoresNothing(PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        ProcessRunner local = fx.recordingRunner();
        Path elsewhere = dir.resolve("in-a-container");
        // like a runner into a container: pg_dump runs, but its files land in another file system
        ProcessRunner container = (command, env, wd) -> local.start(
                command.stream()
                        .map(a -> a.startsWith("--file=") ? "--file=" + elsewhere : a)
                        .toList(),
                env,
                wd);
        BackupService service = fx.builder().processRunner(container).build();

        assertThatThrownBy(() -> service.backup(parallel(pg)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("cannot make a parallel backup")
                .hasMessageContaining("one job");
        assertThat(service.list(source)).isEmpty();
        assertThat(fx.repo.resolve(source))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    private static Path backupFolder(Path repo, BackupManifest m) {
        return repo.resolve(source).resolve(m.id().value());
    }

    /** Kills the process once {@code text} went past on the stream. */
    private static final class KillOnText extends java.io.FilterInputStream {
        private final byte[] text;
        private final ProcessRunner.RunningProcess process;
        private int matched;

        KillOnText(InputStream in, String text, ProcessRunner.RunningProcess process) {
            super(in);
            this.text = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            this.process = process;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = off; i < off + Math.max(n, 0); i++) {
                matched = b[i] == text[matched] ? matched + 1 : (b[i] == text[0] ? 1 : 0);
                if (matched == text.length) {
                    process.kill();
                    matched = 0;
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }
}
