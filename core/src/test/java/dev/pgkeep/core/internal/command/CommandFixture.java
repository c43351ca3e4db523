package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.storage.InMemoryStorageAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A BackupService on in-memory storage with a scripted PostgreSQL: unit tests of the commands, no server needed. */
final class CommandFixture {
    static final DatabaseConnection DB = DatabaseConnection.of("db.test", 5432, "app", "app", "secret");

    final InMemoryStorageAdapter storage = new InMemoryStorageAdapter();
    final FakeProcessRunner runner;
    final List<BackupEvent> events = new CopyOnWriteArrayList<>();
    private final Path tools;

    CommandFixture(Path dir, String version) throws IOException {
        this.runner = FakeProcessRunner.postgres(version);
        this.tools = Files.createDirectories(dir.resolve("bin"));
        for (String program : List.of("pg_dump", "pg_restore", "psql")) {
            Files.writeString(tools.resolve(program), "").toFile().setExecutable(true);
        }
    }

    BackupServiceBuilder builder() {
        return BackupService.builder()
                .storage(storage)
                .processRunner(runner)
                .toolsDirectory(tools)
                .lock(BackupLock.NONE)
                .auditSink(new AuditSink() {
                    @Override
                    public void onEvent(BackupEvent event) {
                        events.add(event);
                    }
                });
    }

    BackupService service() {
        return builder().build();
    }

    /** A backup of {@link #DB} through {@code service}, pg_dump answering with a one-table archive of {@code rows}. */
    BackupManifest backUp(BackupService service, int rows) {
        runner.on(
                "pg_dump",
                List.of("--format=custom"),
                FakeProcessRunner.Answer.ok(new TestArchive().table("t", rows).bytes()));
        return service.backup(BackupRequest.of(DB, Trigger.TEST)).manifest();
    }
}
