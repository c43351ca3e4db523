package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PgkeepJson;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.PostgresAdvisoryLock;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One test (or more) per guarantee in DESIGN.md that applies to local storage; each fails without its guarantee. */
@ExtendWith(PostgresExtension.class)
class GuaranteesTest {
    private static String source = "";

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("guarantees");
        SampleDatabase.create(pg, source);
        SampleDatabase.createLarge(pg, source, 20_000);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    // 1. A backup is listed only after all of its bytes and its manifest are durably stored.

    @Test
    void g1_aBackupKilledMidStreamIsNeverListedAndItsLeftoversAreCleanedLater(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        // pg_dump dies after writing part of the archive, as if the machine lost it mid-backup
        ProcessRunner killing = (command, env, wd) -> {
            ProcessRunner.RunningProcess p = fx.recordingRunner().start(command, env, wd);
            if (command.get(0).endsWith("pg_dump")) {
                return new KillAfterBytes(p, 40_000);
            }
            return p;
        };
        BackupService service = fx.builder().processRunner(killing).build();
        assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("pg_dump");
        assertThat(service.list(null)).isEmpty();
        assertThat(fx.storage.list("")).isEmpty();
        assertThat(fx.events).extracting(BackupEvent::type).containsExactly("backup.started", "backup.failed");
    }

    @Test
    void g1_aDumpWithoutManifestIsNotListedAndPruneRemovesIt(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service =
                fx.builder().incompleteWriteGracePeriod(Duration.ZERO).build();
        BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        // what a process killed between the dump's commit and the manifest's leaves behind
        Path manifest =
                dir.resolve("repo").resolve(source).resolve(m.id().value()).resolve("manifest.json");
        Files.delete(manifest);
        // and a temporary file of a write that never committed
        Path partial = dir.resolve("repo").resolve(source).resolve("20261125T000000Z-dead/dump.pgc.zst.x.partial");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[] {1, 2, 3});

        assertThat(service.list(null)).isEmpty();
        assertThat(service.get(m.id())).isEmpty();

        service.prune(RetentionPolicy.defaults(), false);
        try (Stream<Path> left = Files.walk(dir.resolve("repo"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    // 2. A corrupted, truncated or tampered backup never changes the target database.

    @Test
    void g2_oneFlippedByteInAStoredDumpFailsTheRestoreAndLeavesTheTargetUnchanged(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        Path dump = dir.resolve("repo").resolve(source).resolve(m.id().value()).resolve(m.dumpObject());
        Hashes.flipByte(dump, m.storedBytes() / 2);
        fx.commands.clear(); // the backup itself ran pg_restore --list on its archive

        String target = PostgresServer.uniqueDatabaseName("g2_target");
        pg.createDatabase(target);
        pg.psql(target, "CREATE TABLE keep_me(id int); INSERT INTO keep_me VALUES (1), (2);");
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);
        try {
            assertThatThrownBy(() -> service.restore(
                            RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(target))
                                    .force(true)
                                    .build()))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(m.id().value())
                    .hasMessageContaining("SHA-256")
                    .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
            DatabaseFingerprint after = DatabaseFingerprint.of(pg, target);
            assertThat(after).as(() -> before.diff(after)).isEqualTo(before);
            // no pg_restore ran, and no safety backup was taken for a restore that could not happen
            assertThat(fx.commands).noneMatch(c -> c.get(0).endsWith("pg_restore"));
            assertThat(service.list(target)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void g2_aTruncatedLocalArchiveFileIsRejectedBeforeTheTargetIsTouched(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("db.dump");
        PostgresServerDumps.pgDump(pg, source, file, "--format=custom");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length * 2 / 3));
        String target = PostgresServer.uniqueDatabaseName("g2_file");
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        try {
            assertThatThrownBy(() -> fx.service()
                            .restore(RestoreRequest.builder(RestoreSource.file(file), pg.connection(target))
                                    .createDatabase(true)
                                    .build()))
                    .isInstanceOf(IntegrityException.class);
            assertThat(pg.databaseExists(target)).isFalse();
        } finally {
            pg.dropDatabase(target);
        }
    }

    // 3. A failed pg_dump, an empty or truncated archive is a failure, never a success.

    @Test
    void g3_wrongPasswordFailsWithLibpqsMessageAndStoresNothing(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        DatabaseConnection wrong = DatabaseConnection.of(pg.host(), pg.port(), source, pg.superuser(), "not-it");
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(wrong, Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining(source)
                .hasMessageNotContaining("not-it");
        assertThat(fx.events).last().extracting(BackupEvent::errorKind).isEqualTo(ErrorKind.FAILED);
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void g3_missingDatabaseFailsWithAClearMessage(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(pg.connection("no_such_db"), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("\"no_such_db\" does not exist");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void g3_pgDumpFailingMidwayIsAFailureCarryingWhatPgDumpSaid(PostgresServer pg, @TempDir Path dir) throws Exception {
        String role = "limited_" + PostgresServer.uniqueDatabaseName("r").substring(2);
        pg.psql(
                source,
                "CREATE ROLE " + role + " LOGIN PASSWORD 'limited-pw';" + " GRANT USAGE ON SCHEMA inventory TO " + role
                        + ";");
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        DatabaseConnection limited = DatabaseConnection.of(pg.host(), pg.port(), source, role, "limited-pw");
        try {
            assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(limited, Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class)
                    .hasMessageContaining("pg_dump")
                    .hasMessageContaining("permission denied");
            assertThat(fx.storage.list("")).isEmpty();
        } finally {
            pg.psql(source, "REVOKE USAGE ON SCHEMA inventory FROM " + role + "; DROP ROLE " + role + ";");
        }
    }

    @Test
    void g3_anArchiveCutShortWhilePgDumpExitsZeroIsAFailure(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        ProcessRunner truncating = (command, env, wd) -> {
            if (command.get(0).endsWith("pg_dump") && !command.contains("--version")) {
                List<String> shell = new ArrayList<>(List.of("sh", "-c", "\"$@\" | head -c 30000", "sh"));
                shell.addAll(command);
                return fx.recordingRunner().start(shell, env, wd);
            }
            return fx.recordingRunner().start(command, env, wd);
        };
        assertThatThrownBy(() -> fx.builder()
                        .processRunner(truncating)
                        .build()
                        .backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("truncated");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void g3_anEmptyArchiveIsAFailure(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        ProcessRunner silent =
                (command, env, wd) -> command.get(0).endsWith("pg_dump") && !command.contains("--version")
                        ? fx.recordingRunner().start(List.of("true"), env, wd)
                        : fx.recordingRunner().start(command, env, wd);
        assertThatThrownBy(() -> fx.builder()
                        .processRunner(silent)
                        .build()
                        .backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("no output");
        assertThat(fx.storage.list("")).isEmpty();
    }

    // 4. Passwords never appear in argv, logs, audit events, manifests or errors.

    @Test
    void g4_thePasswordStaysOutOfArgvLogsEventsManifestsAndErrors(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        String password = pg.password();
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        String failure;
        BackupManifest m;
        try {
            BackupService service = fx.service();
            m = service.backup(BackupRequest.of(DatabaseConnection.parse(pg.url(source)), Trigger.TEST))
                    .manifest();
            String target = PostgresServer.uniqueDatabaseName("g4");
            service.restore(RestoreRequest.builder(RestoreSource.latest(source), pg.connection(target))
                    .createDatabase(true)
                    .build());
            pg.dropDatabase(target);
            try {
                service.backup(BackupRequest.of(DatabaseConnection.parse(pg.url("missing_db")), Trigger.TEST));
                failure = "";
            } catch (PgkeepException e) {
                failure = e.getMessage();
            }
        } finally {
            System.setErr(originalErr);
        }
        assertThat(fx.commands)
                .isNotEmpty()
                .allSatisfy(argv -> assertThat(String.join(" ", argv)).doesNotContain(password));
        assertThat(logs.toString(StandardCharsets.UTF_8))
                .contains(m.id().value())
                .doesNotContain(password);
        assertThat(PgkeepJson.manifest(m)).doesNotContain(password);
        assertThat(fx.events)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.toString()).doesNotContain(password));
        assertThat(failure).isNotEmpty().doesNotContain(password);
        assertThat(DatabaseConnection.parse(pg.url(source)).toString()).doesNotContain(password);
    }

    // 5. One backup per database at a time across all instances; a second caller gets a clear error.

    @Test
    void g5_aSecondBackupOfTheSameDatabaseIsRefusedWhileTheFirstHoldsTheLock(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        // another instance (its own psql session, as a second JVM would have) holds the lock
        BackupLock otherInstance = new PostgresAdvisoryLock(PgTools.locate(pg.binDir(), ProcessRunner.local()));
        Optional<BackupLock.Lease> held = otherInstance.tryAcquire(pg.connection(source));
        assertThat(held).isPresent();
        try {
            assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                    .isInstanceOf(BackupInProgressException.class)
                    .hasMessageContaining(source)
                    .hasMessageContaining("already running");
            assertThat(otherInstance.tryAcquire(pg.connection(source))).isEmpty();
            assertThat(fx.events)
                    .filteredOn(e -> e.phase() == BackupEvent.Phase.FAILED)
                    .extracting(BackupEvent::errorCode)
                    .containsExactly(ErrorKind.IN_PROGRESS.code());
        } finally {
            held.get().close();
        }
        // released: the next backup runs
        assertThat(fx.service()
                        .backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                        .id())
                .isNotNull();
    }

    // 7. Retention never deletes the newest good backup and never goes below keep-min.

    @Test
    void g7_pruneKeepsTheNewestGoodBackupsAndDryRunChangesNothing(PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        List<BackupId> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                    .id());
        }
        // keep-days 0: all are "old"; keep-min 2 keeps the two newest
        var dry = service.prune(new RetentionPolicy(0, 2), true);
        assertThat(dry.deleted()).extracting(BackupManifest::id).containsExactly(ids.get(0));
        assertThat(service.list(source)).hasSize(3);

        var real = service.prune(new RetentionPolicy(0, 2), false);
        assertThat(real.deleted()).extracting(BackupManifest::id).containsExactly(ids.get(0));
        assertThat(service.list(source)).extracting(BackupManifest::id).containsExactly(ids.get(2), ids.get(1));

        service.prune(new RetentionPolicy(0, 1), false);
        assertThat(service.list(source)).extracting(BackupManifest::id).containsExactly(ids.get(2));
        assertThat(fx.events).extracting(BackupEvent::type).contains("prune.succeeded");
    }

    // 8. Bad input gets a clear error and changes nothing.

    @Test
    void g8_unknownIdsPathTricksAndGarbageFilesGetClearErrors(PostgresServer pg, @TempDir Path dir) throws Exception {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        List<String> before = fx.storage.list("").stream().map(o -> o.key()).toList();

        assertThatThrownBy(() -> RestoreSource.byId("../../etc/passwd"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("not a pgkeep backup id");
        assertThatThrownBy(() -> service.delete(BackupId.parse("20200101T000000Z-beef")))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("20200101T000000Z-beef");
        Path garbage = dir.resolve("garbage.dump");
        Files.writeString(garbage, "this is not a dump");
        String target = PostgresServer.uniqueDatabaseName("g8");
        assertThatThrownBy(
                        () -> service.restore(RestoreRequest.builder(RestoreSource.file(garbage), pg.connection(target))
                                .createDatabase(true)
                                .build()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("not a pg_dump custom-format archive");
        assertThat(pg.databaseExists(target)).isFalse();
        assertThat(fx.storage.list("").stream().map(o -> o.key()).toList()).isEqualTo(before);
    }

    @Test
    void g8_restoreOverADatabaseWithTablesNeedsForceAndProductionNeedsConfirm(PostgresServer pg, @TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        String target = PostgresServer.uniqueDatabaseName("g8_guard");
        pg.createDatabase(target);
        pg.psql(target, "CREATE TABLE precious(x int); INSERT INTO precious VALUES (42);");
        try {
            assertThatThrownBy(() ->
                            service.restore(RestoreRequest.builder(RestoreSource.latest(source), pg.connection(target))
                                    .build()))
                    .isInstanceOf(SafetyGuardException.class)
                    .satisfies(e -> assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.FORCE));
            assertThatThrownBy(() ->
                            service.restore(RestoreRequest.builder(RestoreSource.latest(source), pg.connection(target))
                                    .force(true)
                                    .production(true)
                                    .confirm("some_other_db")
                                    .build()))
                    .isInstanceOf(SafetyGuardException.class)
                    .satisfies(
                            e -> assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.CONFIRM))
                    .satisfies(e ->
                            assertThat(((PgkeepException) e).remedyArgument()).isEqualTo(target));
            assertThat(pg.psql(target, "SELECT x FROM precious")).isEqualTo("42");
            assertThat(service.list(target)).isEmpty(); // no safety backup for a refused restore
        } finally {
            pg.dropDatabase(target);
        }
    }
}
