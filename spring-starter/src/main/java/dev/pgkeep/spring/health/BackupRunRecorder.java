package dev.pgkeep.spring.health;

import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Remembers the outcome of the last backup of each database, for the health indicator. */
public final class BackupRunRecorder implements AuditSink {
    private final Map<String, LastRun> lastRuns = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();

    /**
     * The last finished backup of one database.
     *
     * @param backupId the backup written, when it succeeded
     */
    public record LastRun(
            boolean succeeded, Instant at, @Nullable String backupId) {}

    @Override
    public void onEvent(BackupEvent event) {
        if (event.phase() == BackupEvent.Phase.SUCCEEDED) {
            changes.incrementAndGet();
        }
        if (event.operation() != BackupEvent.Operation.BACKUP || event.database() == null) {
            return;
        }
        switch (event.phase()) {
            case SUCCEEDED -> lastRuns.put(event.database(), new LastRun(true, event.at(), event.backupId()));
            case FAILED -> {
                // another instance holding the lock is not a failed run: its backup will be the fresh one
                if (event.errorKind() != ErrorKind.IN_PROGRESS) {
                    lastRuns.put(event.database(), new LastRun(false, event.at(), event.backupId()));
                }
            }
            case STARTED -> {}
        }
    }

    /** Grows whenever an operation of this instance may have changed the repository's listing. */
    public long repositoryChanges() {
        return changes.get();
    }

    public Optional<LastRun> lastRun(String database) {
        return Optional.ofNullable(lastRuns.get(database));
    }
}
