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
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The faults of docs/reliability.md on real parts: a real PostgreSQL server and pg_dump/pg_restore, real full file
 * systems (small tmpfs mounts), the S3 test server, real process kills. For each: what the user sees, what is left,
 * and that no listed backup is lost.
 */
@ExtendWith(PostgresExtension.class)
class FaultsTest {
    /** About 45 MB as an uncompressed archive: more than the 20 MB file systems below hold. */
    private static final int LARGE_ROWS = 400_000;

    private static String small = "";
    private static String large = "";
    private static String tiny = "";

    @BeforeAll
    static void createSources(PostgresServer pg) {
        small = PostgresServer.uniqueDatabaseName("faults_small");
        SampleDatabase.create(pg, small);
        large = PostgresServer.uniqueDatabaseName("faults_large");
        SampleDatabase.createLarge(pg, large, LARGE_ROWS);
        tiny = PostgresServer.uniqueDatabaseName("faults_tiny");
        pg.createDatabase(tiny);
        pg.psql(tiny, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)");
    }

    @AfterAll
    static void dropSources(PostgresServer pg) {
        pg.dropDatabase(small);
        pg.dropDatabase(large);
        pg.dropDatabase(tiny);
    }

    // ------------------------------------------------------------------ full disks

    @Test
    void aFullRepositoryDiskFailsTheBackupLeavesNoPartialAndLosesNothingListed(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        try (TmpfsMount repo = TmpfsMount.of(dir.resolve("repo"), "20m")) {
            ServiceFixture fx = new ServiceFixture(pg, repo.dir());
            BackupService service = fx.builder().codec(Codec.none()).build();
            BackupManifest before = backUp(service, pg, small);

            assertThatThrownBy(() -> backUp(service, pg, large)).isInstanceOfSatisfying(PgkeepException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                assertThat(e.getMessage()).contains("No space left on device");
            });
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(before.id());
            assertThat(files(repo.dir())).noneMatch(f -> f.toString().endsWith(".partial"));
            service.verify(VerifyRequest.of(RestoreSource.byId(before.id().value()), Trigger.TEST));
            assertThat(service.get(before.id()).orElseThrow().verification().ok())
                    .isTrue();
        }
    }

    // ------------------------------------------------------------------ the server kills pg_dump's session

    @Test
    void pgTerminateBackendOnPgDumpsSessionFailsTheBackupAndStoresNothing(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.builder().codec(Codec.none()).build();
        CompletableFuture<BackupManifest> backup = CompletableFuture.supplyAsync(() -> backUp(service, pg, large));

        String sessions = "SELECT pid FROM pg_stat_activity WHERE application_name = 'pg_dump' AND datname = "
                + PostgresServer.quoteLiteral(large);
        await(() -> !pg.psql("postgres", sessions).isBlank() || backup.isDone(), backup);
        assertThat(backup).isNotDone();
        pg.psql("postgres", "SELECT pg_terminate_backend(pid) FROM (" + sessions + ") s");

        assertThatThrownBy(() -> backup.get(60, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(PgkeepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                    assertThat(e.getMessage()).contains("pg_dump");
                });
        assertThat(service.list(null)).isEmpty();
        assertThat(files(dir.resolve("repo"))).isEmpty();
    }

    @Test
    void aServerRestartedMidDumpFailsTheBackupStoresNothingAndTheNextBackupRuns(
            PostgresServer shared, @TempDir Path dir) throws Exception {
        // a private server: restarting the shared one would cut the other tests' sessions
        try (PostgresServer pg = PostgresServer.start(shared.binDir(), shared.binDir())) {
            String source = PostgresServer.uniqueDatabaseName("faults_restart");
            SampleDatabase.createLarge(pg, source, LARGE_ROWS);
            ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
            BackupService service = fx.builder().codec(Codec.none()).build();
            CompletableFuture<BackupManifest> backup = CompletableFuture.supplyAsync(() -> backUp(service, pg, source));

            String sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump'";
            await(() -> !pg.psql("postgres", sessions).equals("0") || backup.isDone(), backup);
            assertThat(backup).isNotDone();
            pg.restart(); // pg_ctl stop -m immediate, then start: every session is cut, as in a crash

            assertThatThrownBy(() -> backup.get(60, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(PgkeepException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                        assertThat(e.getMessage()).contains("pg_dump");
                    });
            assertThat(service.list(null)).isEmpty();
            assertThat(files(dir.resolve("repo"))).isEmpty();

            BackupManifest next = backUp(service, pg, source);
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(next.id());
        }
    }

    // ------------------------------------------------------------------ damaged objects

    enum Damage {
        /** 100 bytes at random offsets flipped. */
        CORRUPT_AT_100_OFFSETS,
        /** The object cut in half. */
        TRUNCATED,
        /** Another backup's dump in its place. */
        SWAPPED_WITH_ANOTHER_BACKUPS_DUMP
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedDumpFailsVerifyAndRestoreAsIntegrityAndTheOtherBackupsStayGood(
            Damage damage, PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest damaged = backUp(service, pg, small);
        BackupManifest other = backUp(service, pg, tiny); // another database: other bytes (a dump of the same
        // database in the same second would be byte for byte the same, so swapping them would change nothing)
        Path dump =
                dir.resolve("repo").resolve(small).resolve(damaged.id().value()).resolve(damaged.dumpObject());
        byte[] bytes = Files.readAllBytes(dump);
        switch (damage) {
            case CORRUPT_AT_100_OFFSETS -> {
                Random random = new Random(42);
                TreeSet<Integer> offsets = new TreeSet<>();
                while (offsets.size() < 100) {
                    offsets.add(random.nextInt(bytes.length));
                }
                for (int offset : offsets) {
                    bytes[offset] ^= (byte) (1 + random.nextInt(255));
                }
                Files.write(dump, bytes);
            }
            case TRUNCATED -> Files.write(dump, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            case SWAPPED_WITH_ANOTHER_BACKUPS_DUMP ->
                Files.copy(
                        dir.resolve("repo")
                                .resolve(tiny)
                                .resolve(other.id().value())
                                .resolve(other.dumpObject()),
                        dump,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        assertThatThrownBy(() -> service.verify(
                        VerifyRequest.of(RestoreSource.byId(damaged.id().value()), Trigger.TEST)))
                .isInstanceOf(IntegrityException.class);
        assertThat(service.get(damaged.id()).orElseThrow().verification().ok()).isFalse();

        String target = PostgresServer.uniqueDatabaseName("faults_damaged");
        SampleDatabase.create(pg, target);
        try {
            DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);
            assertThatThrownBy(() -> service.restore(RestoreRequest.builder(
                                    RestoreSource.byId(damaged.id().value()), pg.connection(target))
                            .force(true)
                            .build()))
                    .isInstanceOf(IntegrityException.class);
            assertThat(DatabaseFingerprint.of(pg, target)).isEqualTo(before);
        } finally {
            pg.dropDatabase(target);
        }
        service.verify(VerifyRequest.of(RestoreSource.byId(other.id().value()), Trigger.TEST));
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(other.id(), damaged.id());
    }

    // ------------------------------------------------------------------ killed between dump and manifest

    @Test
    void aDumpWithoutManifestIsNeverListedAndTheNextBackupOfItsDatabaseRemovesIt(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service(); // the default 24 h grace period: only the lock proves it dead
        BackupManifest m = backUp(service, pg, small);
        // what a process killed after the dump's commit and before the manifest's leaves
        Path folder = dir.resolve("repo").resolve(small).resolve(m.id().value());
        Files.delete(folder.resolve("manifest.json"));
        assertThat(service.list(null)).isEmpty();

        BackupManifest next = backUp(service, pg, small);
        assertThat(folder).doesNotExist();
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(next.id());
    }

    // ------------------------------------------------------------------ prune killed

    @Test
    void aPruneKilledMidwayLeavesNoListedBackupWithoutItsDumpAndTheNextRunsFinishIt(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        ServiceFixture fx = new ServiceFixture(pg, repo);
        BackupService service = fx.service();
        BackupManifest seed = backUp(service, pg, tiny);
        // 3,000 old backups for prune to delete (copies of a real one, each under its own id and key)
        Path seedFolder = repo.resolve(tiny).resolve(seed.id().value());
        String manifest = Files.readString(seedFolder.resolve("manifest.json"));
        int old = 3_000;
        for (int i = 0; i < old; i++) {
            String id = String.format("20200101T%06dZ-%012x", i % 240000 / 100 * 100 + i % 60, i);
            Path folder = Files.createDirectories(repo.resolve(tiny).resolve(id));
            Files.copy(seedFolder.resolve(seed.dumpObject()), folder.resolve(seed.dumpObject()));
            Files.writeString(
                    folder.resolve("manifest.json"),
                    manifest.replace(seed.id().value(), id)
                            .replaceAll("\"completedAt\" : \"[^\"]*\"", "\"completedAt\" : \"2020-01-01T00:00:00Z\""));
        }
        assertThat(service.list(null)).hasSize(old + 1);

        // the prune halts (for good) after 1,000 of its 3,000 manifest deletions and says so: killed midway for certain
        Path halted = dir.resolve("prune.halted");
        Process prune = FaultProcess.start(
                pg.url("postgres"),
                dir.resolve("prune.log"),
                "prune",
                repo.toString(),
                pg.binDir().toString(),
                "1000");
        await(() -> Files.exists(halted) || !prune.isAlive(), prune);
        assertThat(prune.isAlive()).as(() -> log(dir, "prune.log")).isTrue();
        prune.destroyForcibly();
        assertThat(prune.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<BackupManifest> listed = service.list(null);
        assertThat(listed).hasSizeBetween(2, old);
        assertThat(listed.get(0).id()).isEqualTo(seed.id());
        // every backup still listed has its dump: prune deletes a manifest before its dump, never after
        for (BackupManifest m : listed) {
            assertThat(repo.resolve(tiny).resolve(m.id().value()).resolve(m.dumpObject()))
                    .exists();
        }
        service.prune(new dev.pgkeep.core.RetentionPolicy(1, 1), false);
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(seed.id());
        // a dump whose manifest the kill had already deleted is an orphan: the next backup of its database removes it
        // (a folder the kill left empty may stay; it holds nothing and is never listed)
        BackupManifest next = backUp(service, pg, tiny);
        assertThat(files(repo))
                .extracting(f -> repo.relativize(f).getName(1).toString())
                .containsOnly(seed.id().value(), next.id().value());
    }

    // ------------------------------------------------------------------ verify killed, concurrent verifies

    @Test
    void aVerifyKilledDuringItsRestoreTestChangesNothingAndTheNextOneDropsItsScratchDatabase(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.builder().codec(Codec.none()).build();
        BackupManifest m = backUp(service, pg, large);
        String scratchOfThisBackup = scratchDatabasesOf(m);
        Process verify = restoreTestInAnotherJvm(pg, dir, m);
        verify.destroyForcibly(); // SIGKILL while it restores into its scratch database
        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).isEqualTo(137);

        String leftover = pg.psql("postgres", scratchOfThisBackup).strip();
        assertThat(leftover).isNotBlank();
        assertThat(service.get(m.id()).orElseThrow().verification()).isNull();
        // its sessions end once the server notices their clients are gone
        await(
                () -> pg.psql(
                                "postgres",
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                        + PostgresServer.quoteLiteral(leftover))
                        .strip()
                        .equals("0"),
                null);

        BackupManifest quick = backUp(service, pg, small);
        service.verify(VerifyRequest.withRestoreTest(
                RestoreSource.byId(quick.id().value()), pg.connection("postgres"), Trigger.TEST));
        assertThat(pg.databaseExists(leftover)).isFalse();
        assertThat(pg.psql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'pgkeep\\_verify\\_%'"))
                .isBlank();
    }

    @Test
    void twoRestoreTestsOfOneBackupInTwoProcessesBothSucceed(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.builder().codec(Codec.none()).build();
        BackupManifest m = backUp(service, pg, large);
        String scratchOfThisBackup = scratchDatabasesOf(m);
        Process other = restoreTestInAnotherJvm(pg, dir, m);
        try {
            // a second restore test of the same backup while the other runs: its own scratch database, and the
            // other's is in use, so it is not taken for a leftover
            service.verify(VerifyRequest.withRestoreTest(
                    RestoreSource.byId(m.id().value()), pg.connection("postgres"), Trigger.TEST));
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).as(() -> log(dir)).isZero();
        } finally {
            other.destroyForcibly();
        }
        assertThat(service.get(m.id()).orElseThrow().verification().ok()).isTrue();
        assertThat(pg.psql("postgres", scratchOfThisBackup)).isBlank();
    }

    // ------------------------------------------------------------------ restore killed

    @Test
    void aRestoreKilledWhileStagingLeavesTheTargetUncreatedAndEveryBackupIntact(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest m = backUp(service, pg, large);
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        String target = PostgresServer.uniqueDatabaseName("faults_staging");

        // --jobs 2 decodes the archive to a temporary file before pg_restore starts
        Process restore = restoreInAnotherJvm(pg, dir, m, temp, 2, target);
        killWhen(() -> files(temp).stream().anyMatch(f -> size(f) > 1_000_000), restore, dir);

        assertThat(pg.databaseExists(target)).isFalse();
        // what is left: the temporary file in the temp folder (pgkeep-plain-*.tmp), not in the repository
        assertThat(files(temp))
                .singleElement()
                .satisfies(f -> assertThat(f.getFileName().toString()).startsWith("pgkeep-plain-"));
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(m.id());
        service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST));
    }

    @Test
    void aRestoreKilledDuringPgRestoreLeavesAPartialTargetThatARestoreWithForceReplaces(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.builder().codec(Codec.none()).build();
        BackupManifest m = backUp(service, pg, large);
        String target = PostgresServer.uniqueDatabaseName("faults_pgrestore");
        try {
            Process restore = restoreInAnotherJvm(pg, dir, m, dir.resolve("tmp"), 1, target);
            String restoring = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_restore'"
                    + " AND datname = " + PostgresServer.quoteLiteral(target);
            killWhen(() -> !pg.psql("postgres", restoring).equals("0"), restore, dir);
            await(() -> pg.psql("postgres", restoring).equals("0"), null);

            // what is left: the database the restore created, partly restored (no process is left to drop it)
            assertThat(pg.databaseExists(target)).isTrue();
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(m.id());

            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(target))
                    .force(true)
                    .safetyBackup(false)
                    .build());
            assertThat(DatabaseFingerprint.of(pg, target)).isEqualTo(DatabaseFingerprint.of(pg, large));
        } finally {
            pg.dropDatabase(target);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Process restoreInAnotherJvm(
            PostgresServer pg, Path dir, BackupManifest m, Path temp, int jobs, String target) throws Exception {
        return FaultProcess.start(
                pg.url("postgres"),
                dir.resolve("restore.log"),
                "restore",
                dir.resolve("repo").toString(),
                pg.binDir().toString(),
                m.id().value(),
                temp.toString(),
                Integer.toString(jobs),
                target);
    }

    /** SIGKILLs {@code process} once {@code moment} holds; fails when it ended before. */
    private static void killWhen(BooleanSupplier moment, Process process, Path dir) throws Exception {
        await(() -> moment.getAsBoolean() || !process.isAlive(), process);
        assertThat(process.isAlive()).as(() -> log(dir, "restore.log")).isTrue();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return 0; // gone meanwhile
        }
    }

    /** The query listing the scratch databases of restore tests of {@code m}. */
    private static String scratchDatabasesOf(BackupManifest m) {
        return "SELECT datname FROM pg_database WHERE datname LIKE "
                + PostgresServer.quoteLiteral(
                        "pgkeep\\_verify\\_" + m.id().value().toLowerCase().replace('-', '_') + "\\_%");
    }

    /** Starts a restore-test verify of {@code m} in another JVM and returns once its scratch database exists. */
    private static Process restoreTestInAnotherJvm(PostgresServer pg, Path dir, BackupManifest m) throws Exception {
        Process verify = FaultProcess.start(
                pg.url("postgres"),
                dir.resolve("verify.log"),
                "verify-restore-test",
                dir.resolve("repo").toString(),
                pg.binDir().toString(),
                m.id().value());
        await(() -> !pg.psql("postgres", scratchDatabasesOf(m)).isBlank() || !verify.isAlive(), verify);
        assertThat(verify.isAlive()).as(() -> log(dir)).isTrue();
        return verify;
    }

    private static BackupManifest backUp(BackupService service, PostgresServer pg, String database) {
        return service.backup(BackupRequest.of(pg.connection(database), Trigger.TEST))
                .manifest();
    }

    private static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String log(Path dir) {
        return log(dir, "verify.log");
    }

    private static String log(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (Exception e) {
            return "(no log)";
        }
    }

    /**
     * Polls {@code condition} (bounded by a minute), waiting on {@code running} (a process or a future) between polls
     * so that its end also ends the wait.
     */
    private static void await(BooleanSupplier condition, Object running) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within a minute");
            }
            if (running instanceof Process p) {
                p.waitFor(20, TimeUnit.MILLISECONDS);
            } else if (running instanceof CompletableFuture<?> f) {
                try {
                    f.get(20, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                    // still running, or failed: the condition says which
                }
            } else {
                Thread.onSpinWait();
                new CompletableFuture<Void>()
                        .completeOnTimeout(null, 20, TimeUnit.MILLISECONDS)
                        .join();
            }
        }
    }
}
