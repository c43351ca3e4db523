package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.command.FakeProcessRunner.Answer;
import dev.pgkeep.core.spi.Codec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restore}'s guards and choices against a scripted server: each refusal runs no pg_restore at all. */
class RestoreCommandTest {
    private static final DatabaseConnection TARGET = CommandFixture.DB.withDatabase("app_copy");

    private CommandFixture fx;
    private BackupService service;
    private BackupManifest backup;

    @BeforeEach
    void backUp(@TempDir Path dir) throws Exception {
        fx = new CommandFixture(dir, "16.4");
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 2).bytes()));
        service = fx.builder().codec(Codec.none()).build();
        backup = service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();
        fx.runner.commands.clear();
    }

    private void target(boolean exists, int tables) {
        fx.runner.on("psql", List.of("FROM pg_database WHERE datname"), Answer.ok((exists ? 1 : 0) + "\t16.4\n"));
        fx.runner.on("psql", List.of("FROM pg_class c JOIN pg_namespace"), Answer.ok(tables + "\n"));
    }

    private RestoreRequest.Builder request() {
        return RestoreRequest.builder(RestoreSource.byId(backup.id().value()), TARGET);
    }

    @Test
    void productionNeedsTheTargetConfirmed() {
        target(true, 0);
        assertThatThrownBy(() -> service.restore(request().production(true).build()))
                .satisfies(e -> {
                    PgkeepException p = (PgkeepException) e;
                    assertThat(p.kind()).isEqualTo(ErrorKind.REFUSED);
                    assertThat(p.remedy()).isEqualTo(PgkeepException.Remedy.CONFIRM);
                    assertThat(p.remedyArgument()).isEqualTo("app_copy");
                });
        assertThat(fx.runner.commandsOf("pg_restore")).isEmpty();
    }

    @Test
    void aTargetWithTablesNeedsForce() {
        target(true, 3);
        assertThatThrownBy(() -> service.restore(request().build()))
                .hasMessageContaining("holds 3 user table(s)")
                .satisfies(e -> assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.FORCE));
        assertThat(fx.runner.commandsOf("pg_restore")).isEmpty();
    }

    @Test
    void createIntoAnExistingDatabaseAndRestoreIntoAMissingOneAreBadInput() {
        target(true, 0);
        assertThatThrownBy(() -> service.restore(request().createDatabase(true).build()))
                .satisfies(e ->
                        assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.DO_NOT_CREATE));
        target(false, 0);
        assertThatThrownBy(() -> service.restore(request().build()))
                .satisfies(e -> assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.CREATE));
        assertThat(fx.runner.commandsOf("pg_restore")).isEmpty();
    }

    @Test
    void postgresOwnAndTemplateDatabasesAreNeverTargetsEvenWithForce() {
        target(true, 0);
        for (String own : List.of("template0", "template1", "postgres")) {
            assertThatThrownBy(() -> service.restore(RestoreRequest.builder(
                                    RestoreSource.byId(backup.id().value()), CommandFixture.DB.withDatabase(own))
                            .force(true)
                            .build()))
                    .hasMessageContaining("'" + own + "' is PostgreSQL's")
                    .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.REFUSED));
        }
        fx.runner.on("psql", List.of("FROM pg_database WHERE datname"), Answer.ok("1\t16.4\tt\n"));
        assertThatThrownBy(() -> service.restore(request().force(true).build()))
                .hasMessageContaining("template database (datistemplate)")
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.REFUSED));
        assertThat(fx.runner.commandsOf("pg_restore")).isEmpty();
    }

    @Test
    void theTargetIsCheckedAgainAfterStagingAndTablesThatAppearedMeanwhileNeedForce() {
        fx.runner.on("psql", List.of("FROM pg_database WHERE datname"), Answer.ok("1\t16.4\n"));
        fx.runner.onceThen("psql", List.of("FROM pg_class c JOIN pg_namespace"), Answer.ok("0\n"), Answer.ok("2\n"));
        fx.runner.on("pg_restore", List.of("--exit-on-error"), Answer.ok(""));
        assertThatThrownBy(() -> service.restore(request().build()))
                .hasMessageContaining("holds 2 user table(s)")
                .satisfies(e -> assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.FORCE));
        assertThat(fx.runner.commandsOf("pg_restore")).noneMatch(c -> c.contains("--exit-on-error"));

        fx.runner.onceThen(
                "psql", List.of("FROM pg_database WHERE datname"), Answer.ok("0\t16.4\n"), Answer.ok("1\t16.4\n"));
        assertThatThrownBy(() -> service.restore(request().createDatabase(true).build()))
                .satisfies(e ->
                        assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.DO_NOT_CREATE));
        assertThat(fx.runner.commandsOf("psql"))
                .noneMatch(c -> String.join(" ", c).contains("CREATE DATABASE"));
    }

    @Test
    void anUnknownBackupIsNotFound() {
        assertThatThrownBy(() ->
                        service.restore(RestoreRequest.builder(RestoreSource.byId("20200101T000000Z-abcd"), TARGET)
                                .build()))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void aCorruptStoredObjectFailsBeforeTheTargetIsTouched() throws Exception {
        target(false, 0);
        String key = "app/" + backup.id().value() + "/" + backup.dumpObject();
        byte[] stored = fx.storage.read(key).readAllBytes();
        stored[stored.length / 2] ^= 1;
        fx.storage.overwrite(key, stored);
        assertThatThrownBy(() -> service.restore(request().createDatabase(true).build()))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThat(fx.runner.commandsOf("pg_restore")).isEmpty();
        assertThat(fx.runner.commandsOf("psql"))
                .noneMatch(c -> String.join(" ", c).contains("CREATE DATABASE"));
    }

    @Test
    void intoANewDatabaseItIsCreatedAndPgRestoreOfTheServersMajorRuns() {
        target(false, 0);
        fx.runner.on("psql", List.of("CREATE DATABASE"), Answer.ok(""));
        fx.runner.on("pg_restore", List.of("--exit-on-error"), Answer.ok(""));
        assertThat(service.restore(request().createDatabase(true).build()).created())
                .isTrue();
        assertThat(fx.runner.commandsOf("pg_restore"))
                .anySatisfy(c -> assertThat(c).contains("--exit-on-error").doesNotContain("--clean"));
    }
}
