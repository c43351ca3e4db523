package dev.pgkeep.it;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds services on the shared test server, recording every command line and audit event for assertions. */
final class ServiceFixture {
    final PostgresServer pg;
    final Path repo;
    final LocalStorageAdapter storage;
    final List<List<String>> commands = new CopyOnWriteArrayList<>();
    final List<BackupEvent> events = new CopyOnWriteArrayList<>();

    ServiceFixture(PostgresServer pg, Path repo) {
        this.pg = pg;
        this.repo = repo;
        this.storage = new LocalStorageAdapter(repo);
    }

    /** The local runner, recording each argv. */
    ProcessRunner recordingRunner() {
        ProcessRunner local = ProcessRunner.local();
        return (command, env, dir) -> {
            commands.add(List.copyOf(command));
            return local.start(command, env, dir);
        };
    }

    BackupServiceBuilder builder() {
        return BackupService.builder()
                .storage(storage)
                .toolsDirectory(pg.binDir())
                .processRunner(recordingRunner())
                .tempDirectory(repo.resolveSibling(repo.getFileName() + "-tmp"))
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
}
