package dev.pgkeep.core.audit;

import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupEvent.Phase;
import java.time.Instant;

/** Events as the BackupService emits them, for tests of sinks. */
public final class TestEvents {
    public static final Instant AT = Instant.parse("2026-11-25T02:00:03.412345678Z");
    public static final String BACKUP_ID = "20261125T020000Z-7f3a";

    private TestEvents() {}

    public static BackupEvent started(String database) {
        return started(database, AT);
    }

    public static BackupEvent started(String database, Instant at) {
        return new BackupEvent(
                Operation.BACKUP,
                Phase.STARTED,
                at,
                database,
                null,
                Trigger.SCHEDULE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static BackupEvent backupSucceeded(String database) {
        return new BackupEvent(
                Operation.BACKUP,
                Phase.SUCCEEDED,
                AT,
                database,
                BACKUP_ID,
                Trigger.SCHEDULE,
                "alice",
                "10.1.2.3",
                83_412L,
                12_345_678L,
                98_765_432L,
                null,
                null,
                null);
    }

    public static BackupEvent backupFailed(String database, String error) {
        return new BackupEvent(
                Operation.BACKUP,
                Phase.FAILED,
                AT,
                database,
                BACKUP_ID,
                Trigger.SCHEDULE,
                null,
                null,
                1_250L,
                null,
                null,
                null,
                error,
                null);
    }

    public static BackupEvent restoreStarted(String database, String actor) {
        return new BackupEvent(
                Operation.RESTORE,
                Phase.STARTED,
                AT,
                database,
                BACKUP_ID,
                Trigger.API,
                actor,
                "10.1.2.3",
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static BackupEvent pruneSucceeded(int deleted) {
        return new BackupEvent(
                Operation.PRUNE,
                Phase.SUCCEEDED,
                AT,
                null,
                null,
                Trigger.CLI,
                null,
                null,
                40L,
                null,
                null,
                deleted,
                null,
                null);
    }
}
