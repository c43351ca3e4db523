package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import org.jspecify.annotations.Nullable;

/** {@code delete}: one backup, manifest first. */
public final class DeleteCommand {
    private final CommandContext c;

    public DeleteCommand(CommandContext context) {
        this.c = context;
    }

    public void run(BackupId id, Trigger trigger, @Nullable String actor, @Nullable String clientAddress) {
        OperationEvents.Run run = c.events().of(Operation.DELETE, null, trigger, actor, clientAddress);
        run.backupId = id.value();
        run.around(() -> {
            BackupManifest manifest = c.catalog().require(id);
            run.database = manifest.database();
            run.manifest = manifest;
            c.catalog().delete(manifest);
            return null;
        });
    }
}
