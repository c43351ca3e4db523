package dev.pgkeep.cli;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Encryptor;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep delete}. */
@Command(name = "delete", description = "Delete one backup.", mixinStandardHelpOptions = true)
final class DeleteCommand extends CliCommand {

    @Option(names = "--backup", paramLabel = "ID", required = true, description = "The backup to delete.")
    String backup = "";

    @Option(names = "--force", description = "Required: deleting cannot be undone.")
    boolean force;

    @Override
    public Integer call() {
        BackupId id = BackupId.parse(backup);
        if (!force) {
            throw new SafetyGuardException("Deleting backup " + id + " cannot be undone; add --force to delete it.");
        }
        BackupService service = service(env.storage(common.repo), null, Encryptor.NONE)
                .lock(BackupLock.NONE)
                .build();
        service.delete(id, Trigger.CLI, System.getProperty("user.name"), null);
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("deleted", id.value());
            env.out().println(Output.json(json));
        } else {
            env.out().printf("Deleted backup %s%n", id);
        }
        return 0;
    }
}
