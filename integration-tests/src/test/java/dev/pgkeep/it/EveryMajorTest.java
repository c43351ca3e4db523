package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.internal.archive.ArchiveInspector;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresMajors;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every supported PostgreSQL major, 13 to 18: a server of that major is backed up and restored by the tools pgkeep
 * chooses for it on its own, among every tool folder it finds ({@code PGKEEP_PG_BIN}, as CI sets it to every
 * installed major, else the standard places): the server's own major where installed, else the nearest newer one.
 * On this machine 13, 14 and 16 have servers only, so 15's tools serve 13 and 14, and 17's serve 16 (whose
 * pg_restore then runs through psql, without the {@code transaction_timeout} setting 16 lacks).
 */
class EveryMajorTest {
    /** The archive version (minor of 1.x) each pg_dump major writes, from pg_backup_archiver.h. */
    private static final Map<Integer, Integer> ARCHIVE_MINOR_BY_PG_DUMP =
            Map.of(13, 14, 14, 14, 15, 14, 16, 15, 17, 16, 18, 16);

    /** The tools pgkeep should pick for a server of {@code major}, found the way pgkeep finds them. */
    static Optional<PostgresTools.Installation> expectedTools(int major) {
        return PostgresTools.discover(List.of(), ProcessRunner.local(), null).installations().stream()
                .filter(i -> i.major() >= major)
                .findFirst();
    }

    /** A server of {@code major} and the tools for it; skips (or fails, when CI requires the major) without them. */
    static PostgresServer serverOf(int major) {
        Path serverBin = PostgresMajors.server(major);
        assumeTrue(serverBin != null, "no PostgreSQL " + major + " server installed");
        Optional<PostgresTools.Installation> tools = expectedTools(major);
        if (PostgresMajors.required().contains(major)) {
            assertThat(tools)
                    .as("client tools for PostgreSQL " + major + " (set PGKEEP_PG_BIN to every tools folder)")
                    .isPresent();
        }
        assumeTrue(tools.isPresent(), "no client tools of PostgreSQL " + major + " or newer");
        return PostgresServer.start(serverBin, tools.get().binDir());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void theSampleDatabaseRoundTripsWithTheToolsChosenForItsServer(int major, @TempDir Path dir) throws Exception {
        PostgresTools.Installation tools = expectedTools(major).orElse(null);
        try (PostgresServer pg = serverOf(major)) {
            assertThat(pg.serverMajorVersion()).isEqualTo(major);
            String source = PostgresServer.uniqueDatabaseName("every_major_" + major);
            SampleDatabase.create(pg, source);
            SampleDatabase.createLarge(pg, source, 2_000);
            // no tools folder given: pgkeep finds and chooses them itself
            BackupService service = BackupService.builder()
                    .storage(new LocalStorageAdapter(dir.resolve("repo")))
                    .tempDirectory(dir.resolve("tmp"))
                    .build();

            BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                    .manifest();
            assertThat(m.server()).startsWith(major + ".");
            assertThat(m.pgDumpPath()).isEqualTo(tools.program("pg_dump"));
            assertThat(m.pgDumpVersion()).isEqualTo(tools.version());
            assertThat(m.proof().method()).isEqualTo(BackupManifest.Proof.INSPECTOR);
            assertThat(m.tables()).anySatisfy(t -> {
                assertThat(t.name()).isEqualTo("readings");
                assertThat(t.rows()).isEqualTo(2_000);
            });

            assertThat(service.verify(VerifyRequest.withRestoreTest(
                                    RestoreSource.byId(m.id().value()), pg.connection("postgres"), Trigger.TEST))
                            .tablesCompared())
                    .isEqualTo(m.tables().size());

            String copy = PostgresServer.uniqueDatabaseName("every_major_copy");
            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(copy))
                    .createDatabase(true)
                    .build());
            DatabaseFingerprint original = DatabaseFingerprint.of(pg, source);
            DatabaseFingerprint restored = DatabaseFingerprint.of(pg, copy);
            if (major < 18) {
                assertThat(restored).as(() -> original.diff(restored)).isEqualTo(original);
            } else {
                // PostgreSQL 18 names NOT NULL constraints; pg_dump omits default names, so a table made with LIKE
                // (whose copies keep the original's names) takes them first on restore and the original's get a
                // "1" suffix. pg_restore itself does the same: pgkeep's restore must equal pg_restore's exactly.
                DatabaseFingerprint plain = plainDumpAndRestore(pg, source, tools, dir);
                assertThat(restored).as(() -> plain.diff(restored)).isEqualTo(plain);
                assertThat(original.diff(restored).lines().filter(l -> l.startsWith("  +")))
                        .isNotEmpty()
                        .allSatisfy(l -> assertThat(l).containsPattern("CONSTRAINT \\w+_not_null1 NOT NULL"));
            }

            // a parallel backup (pg_dump's directory format) of the same tools restores to the same database
            BackupManifest parallel = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)
                            .withJobs(2))
                    .manifest();
            assertThat(parallel.directory()).isTrue();
            assertThat(parallel.tables()).isEqualTo(m.tables());
            String fromDirectory = PostgresServer.uniqueDatabaseName("every_major_dir");
            service.restore(
                    RestoreRequest.builder(RestoreSource.byId(parallel.id().value()), pg.connection(fromDirectory))
                            .createDatabase(true)
                            .jobs(2)
                            .build());
            DatabaseFingerprint directoryCopy = DatabaseFingerprint.of(pg, fromDirectory);
            assertThat(directoryCopy).as(() -> restored.diff(directoryCopy)).isEqualTo(restored);
        }
    }

    /** What plain {@code pg_dump -Fc} and {@code pg_restore} of {@code tools} make of {@code source}. */
    private static DatabaseFingerprint plainDumpAndRestore(
            PostgresServer pg, String source, PostgresTools.Installation tools, Path dir) throws Exception {
        Path file = dir.resolve("plain.dump");
        PostgresServerDumps.pgDump(pg, source, file, "--format=custom");
        String plain = PostgresServer.uniqueDatabaseName("plain_restore");
        pg.createDatabase(plain);
        ProcessBuilder restore = new ProcessBuilder(
                        tools.program("pg_restore"), "--exit-on-error", "--dbname=" + plain, file.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        restore.environment().putAll(pg.clientEnvironment(plain));
        assertThat(restore.start().waitFor()).isZero();
        return DatabaseFingerprint.of(pg, plain);
    }

    @ParameterizedTest(name = "pg_dump {0}")
    @ValueSource(ints = {15, 17, 18})
    void theInspectorReadsTheArchiveVersionOfEveryInstalledPgDump(int toolMajor, @TempDir Path dir) throws Exception {
        Optional<PostgresTools.Installation> tools = expectedTools(toolMajor).filter(i -> i.major() == toolMajor);
        if (PostgresMajors.required().contains(toolMajor)) {
            assertThat(tools).as("pg_dump " + toolMajor).isPresent();
        }
        assumeTrue(tools.isPresent(), "no pg_dump " + toolMajor);
        try (PostgresServer pg = serverOf(toolMajor)) {
            String source = PostgresServer.uniqueDatabaseName("archive_version");
            SampleDatabase.create(pg, source);
            SampleDatabase.createLarge(pg, source, 1_000);
            Path file = dir.resolve("a.dump");
            PostgresServerDumps.pgDump(pg, source, file, "--format=custom", "--compress=0");
            byte[] archive = Files.readAllBytes(file);
            ArchiveInspector inspector = new ArchiveInspector();
            for (int i = 0; i < archive.length; i += 4096) {
                inspector.update(archive, i, Math.min(4096, archive.length - i));
            }
            inspector.finish();
            assertThat(inspector.verdict())
                    .as(String.valueOf(inspector.problem()))
                    .isEqualTo(ArchiveInspector.Verdict.COMPLETE);
            assertThat(inspector.archiveVersion()).isEqualTo(0x010000 | (ARCHIVE_MINOR_BY_PG_DUMP.get(toolMajor) << 8));
            assertThat(inspector.tables()).anySatisfy(t -> assertThat(t.rows()).isEqualTo(1_000));
        }
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefusedNamingBothVersions(@TempDir Path dir) throws Exception {
        Optional<PostgresTools.Installation> oldest =
                PostgresTools.discover(List.of(), ProcessRunner.local(), null).installations().stream()
                        .findFirst();
        assumeTrue(oldest.isPresent() && oldest.get().major() < 18, "needs tools older than PostgreSQL 18");
        try (PostgresServer pg = serverOf(18)) {
            String source = PostgresServer.uniqueDatabaseName("too_new");
            pg.createDatabase(source);
            LocalStorageAdapter storage = new LocalStorageAdapter(dir.resolve("repo"));
            BackupService service = BackupService.builder()
                    .storage(storage)
                    .toolsDirectory(oldest.get().binDir())
                    .build();
            assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class)
                    .hasMessageContaining("pg_dump " + oldest.get().version())
                    .hasMessageContaining("is older than the server PostgreSQL 18.")
                    .hasMessageContaining("install the PostgreSQL 18 client tools");
            assertThat(storage.list("")).isEmpty();
        }
    }
}
