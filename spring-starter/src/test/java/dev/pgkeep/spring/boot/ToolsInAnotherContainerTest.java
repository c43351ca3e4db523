package dev.pgkeep.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.autoconfigure.PgkeepAutoConfiguration;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The "tools in another container" recipe of docs/spring-boot.md (Containers): the application's image has no
 * pg_dump, a {@link ProcessRunner} bean runs each tool through {@code docker exec} in a sidecar. No Docker engine
 * here: {@code fake-docker} stands in for the docker CLI, with its semantics (only the {@code -e NAME} variables
 * reach the program, which is found on the sidecar's own PATH), running the real tools, so the backup and the
 * restore are real.
 */
class ToolsInAnotherContainerTest {
    static String database;

    @TempDir
    static Path dir;

    static Path docker;
    static Path calls;

    @BeforeAll
    static void createDatabaseAndFakeDocker() throws IOException {
        database = TestDatabases.createSample("starter_sidecar");
        calls = dir.resolve("docker-calls.log");
        docker = dir.resolve("fake-docker");
        Files.writeString(docker, """
                #!/bin/bash
                # docker exec -i [-e NAME]... CONTAINER PROGRAM [ARG]...
                set -eu
                [ "$1" = exec ] || { echo "fake-docker: only exec" >&2; exit 125; }
                shift
                pass=()
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -i) shift ;;
                    -e) pass+=("$2=${!2:-}"); shift 2 ;;
                    *) break ;;
                  esac
                done
                container=$1; shift
                echo "$container $*" >> '%s'
                # the sidecar: its own PATH, only the variables passed with -e
                exec env -i PATH='%s:/usr/bin:/bin' "${pass[@]}" "$@"
                """.formatted(calls, TestDatabases.server().binDir()));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The recipe's bean, with {@code docker} replaced by the stand-in. */
    static ProcessRunner toolsInSidecar(String dockerCli, String container) {
        ProcessRunner local = ProcessRunner.local();
        return (command, environment, workingDirectory) -> {
            List<String> wrapped = new ArrayList<>(List.of(dockerCli, "exec", "-i"));
            // pgkeep's variables (PGPASSWORD...) go by name: their values stay in the environment, out of argv
            for (String name : environment.keySet()) {
                wrapped.add("-e");
                wrapped.add(name);
            }
            wrapped.add(container);
            // the sidecar's own pg_dump, pg_restore, psql, found on its PATH
            wrapped.add(Path.of(command.get(0)).getFileName().toString());
            wrapped.addAll(command.subList(1, command.size()));
            return local.start(wrapped, environment, null);
        };
    }

    @Test
    void aProcessRunnerThroughDockerExecBacksUpAndRestoresForReal() throws IOException {
        PostgresServer pg = TestDatabases.server();
        // as in the application's image: no pgkeep.tools.bin-dir
        String[] host = Stream.of(TestDatabases.hostProperties(database))
                .filter(p -> !p.startsWith("pgkeep.tools."))
                .toArray(String[]::new);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgkeepAutoConfiguration.class))
                .withPropertyValues(host)
                .withPropertyValues("pgkeep.repository=" + dir.resolve("repo"), "pgkeep.schedule.enabled=false")
                .withBean(ProcessRunner.class, () -> toolsInSidecar(docker.toString(), "pg-tools"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupService service = context.getBean(BackupService.class);
                    BackupResult backup = service.backup(BackupRequest.of(Trigger.TEST));
                    TestDatabases.assertRestoresAsCopy(service, backup, database);
                });
        List<String> ran = Files.readAllLines(calls);
        // every tool ran in the "sidecar", by its bare name, and no password went into an argument list
        assertThat(ran).anyMatch(l -> l.startsWith("pg-tools pg_dump "));
        assertThat(ran).anyMatch(l -> l.startsWith("pg-tools pg_restore "));
        assertThat(ran).allMatch(l -> l.matches("pg-tools (pg_dump|pg_restore|psql|pg_dumpall) .*"));
        assertThat(String.join("\n", ran)).doesNotContain(pg.password());
    }
}
