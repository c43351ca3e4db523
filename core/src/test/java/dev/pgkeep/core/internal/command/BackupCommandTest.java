package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.command.FakeProcessRunner.Answer;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.Codec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup} against a scripted pg_dump and in-memory storage. */
class BackupCommandTest {
    @Test
    void storesTheDumpThenTheManifestWithRowCountsAndTheProof(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("orders", 3).table("empty", 0).bytes()));
        BackupManifest m = fx.builder()
                .codec(Codec.none())
                .build()
                .backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();

        assertThat(m.tables())
                .containsExactly(
                        new BackupManifest.TableRows("public", "empty", 0),
                        new BackupManifest.TableRows("public", "orders", 3));
        assertThat(m.proof().method()).isEqualTo(BackupManifest.Proof.INSPECTOR);
        assertThat(m.pgDumpPath()).endsWith("/bin/pg_dump");
        assertThat(fx.storage.list("app/"))
                .extracting(o -> Path.of(o.key()).getFileName().toString())
                .containsExactlyInAnyOrder("dump.pgc", "manifest.json");
        // the password reaches pg_dump through its environment, never argv
        assertThat(fx.runner.commands)
                .allSatisfy(c -> assertThat(String.join(" ", c)).doesNotContain("secret"));
        assertThat(fx.events).extracting(BackupEvent::type).containsExactly("backup.started", "backup.succeeded");
    }

    @Test
    void theManifestNamesThePgkeepVersionThisBuildMade(@TempDir Path dir) throws Exception {
        String projectVersion = System.getProperty("pgkeep.project.version");
        assertThat(projectVersion)
                .as("Maven passes project.version to the tests")
                .isNotBlank();
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("orders", 1).bytes()));
        BackupManifest m = fx.service()
                .backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();

        assertThat(m.tool()).isEqualTo(new BackupManifest.Tool("pgkeep", projectVersion));
        // and so does the stored manifest.json
        String key = fx.storage.list("app/").stream()
                .map(o -> o.key())
                .filter(k -> k.endsWith("/manifest.json"))
                .findFirst()
                .orElseThrow();
        try (var in = fx.storage.read(key)) {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(in)
                            .at("/tool/version")
                            .asText())
                    .isEqualTo(projectVersion);
        }
    }

    @Test
    void pgDumpWaitsFiveMinutesForATableLockByDefaultAndAsLongAsConfigured(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 1).bytes()));
        fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST));
        fx.builder()
                .lockWaitTimeout(Duration.ofSeconds(42))
                .build()
                .backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST));
        fx.builder().lockWaitTimeout(Duration.ZERO).build().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST));
        List<List<String>> dumps = fx.runner.commandsOf("pg_dump").stream()
                .filter(c -> c.contains("--format=custom"))
                .toList();
        assertThat(dumps).hasSize(3);
        assertThat(dumps.get(0)).contains("--lock-wait-timeout=300000");
        assertThat(dumps.get(1)).contains("--lock-wait-timeout=42000");
        assertThat(dumps.get(2)).noneMatch(a -> a.startsWith("--lock-wait-timeout"));
        assertThatThrownBy(() -> fx.builder().lockWaitTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("must not be negative");
    }

    @Test
    void excludedSchemasAreLeftOutOfTheDumpAsExactNames(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 1).bytes()));
        fx.builder()
                .excludeSchemas(List.of("pgkeep", "odd*\"name"))
                .build()
                .backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST));
        fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST));
        List<List<String>> dumps = fx.runner.commandsOf("pg_dump").stream()
                .filter(c -> c.contains("--format=custom"))
                .toList();
        assertThat(dumps.get(0)).contains("--exclude-schema=\"pgkeep\"", "--exclude-schema=\"odd*\"\"name\"");
        assertThat(dumps.get(1)).noneMatch(a -> a.startsWith("--exclude-schema"));
        assertThatThrownBy(() -> fx.builder().excludeSchemas(List.of(" ")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("schema name");
    }

    @Test
    void aFailingPgDumpStoresNothingAndSaysWhatItSaid(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump", List.of("--format=custom"), Answer.fail(1, "pg_dump: error: permission denied for table t"));
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("permission denied for table t")
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(fx.storage.list("")).isEmpty();
        assertThat(fx.events).last().extracting(BackupEvent::errorKind).isEqualTo(ErrorKind.FAILED);
    }

    @Test
    void anArchivePgRestoreCannotReadIsNotStored(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 1).bytes()));
        fx.runner.on("pg_restore", List.of("--list"), Answer.fail(1, "pg_restore: error: unexpected end of file"));
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .hasMessageContaining("pg_restore cannot read")
                .hasMessageContaining("unexpected end of file");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void aCutArchiveIsNotStoredEvenWhenPgDumpExitsZero(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        byte[] whole = new TestArchive().table("t", 1_000).bytes();
        fx.runner.on(
                "pg_dump", List.of("--format=custom"), Answer.ok(java.util.Arrays.copyOf(whole, whole.length - 40)));
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .hasMessageContaining("truncated archive (the archive ends in the middle of a data block)");
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void toolsOlderThanTheServerAreRefusedBeforePgDumpRuns(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        fx.runner.on("psql", List.of("SHOW server_version"), Answer.ok("17.2\n"));
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .hasMessageContaining("pg_dump 15.4")
                .hasMessageContaining("older than the server PostgreSQL 17.2");
        assertThat(fx.runner.commandsOf("pg_dump"))
                .allSatisfy(c -> assertThat(c).contains("--version"));
    }

    @Test
    void aHeldLockIsInProgressAndNoBackupRuns(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        assertThatThrownBy(() -> fx.builder()
                        .lock(db -> Optional.empty())
                        .build()
                        .backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .isInstanceOf(BackupInProgressException.class)
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.IN_PROGRESS));
        assertThat(fx.runner.commandsOf("pg_dump"))
                .allSatisfy(c -> assertThat(c).contains("--version"));
        assertThat(fx.events).last().extracting(BackupEvent::errorCode).isEqualTo("in-progress");
    }

    @Test
    void noDatabaseAnywhereIsBadInputNamingTheRemedy(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        assertThatThrownBy(() -> fx.service().backup(BackupRequest.of(Trigger.TEST)))
                .isInstanceOf(BadInputException.class)
                .satisfies(e ->
                        assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.NAME_DATABASE));
    }
}
