package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Encryptor;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep prune}. */
@Command(
        name = "prune",
        description = "Apply retention: keep backups younger than --keep-days and at least"
                + " --keep-min per database (the newest good one always); remove leftovers of interrupted runs.",
        mixinStandardHelpOptions = true)
final class PruneCommand extends CliCommand {

    @Option(
            names = "--keep-days",
            paramLabel = "N",
            defaultValue = "" + RetentionPolicy.DEFAULT_KEEP_DAYS,
            description = "Keep every backup younger than N days (default ${DEFAULT-VALUE}).")
    int keepDays;

    @Option(
            names = "--keep-min",
            paramLabel = "N",
            defaultValue = "" + RetentionPolicy.DEFAULT_KEEP_MIN,
            description = "Keep at least N good backups per database (default ${DEFAULT-VALUE}).")
    int keepMin;

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() {
        RetentionPolicy policy = new RetentionPolicy(keepDays, keepMin);
        BackupService service = service(env.storage(common.repo), null, Encryptor.NONE)
                .lock(BackupLock.NONE)
                .build();
        PruneResult result = service.prune(policy, dryRun, Trigger.CLI, System.getProperty("user.name"));
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dryRun", result.dryRun());
            json.put(
                    "deleted",
                    result.deleted().stream().map(m -> m.id().value()).toList());
            json.put("kept", result.kept().stream().map(m -> m.id().value()).toList());
            json.put("incompleteRemoved", result.incompleteRemoved());
            env.out().println(Output.json(json));
            return 0;
        }
        String verb = dryRun ? "Would delete" : "Deleted";
        for (BackupManifest m : result.deleted()) {
            env.out().printf("%s %s (%s, %s)%n", verb, m.id(), m.database(), Output.bytes(m.storedBytes()));
        }
        env.out()
                .printf(
                        "%s %d backup(s), kept %d%s.%n",
                        verb,
                        result.deleted().size(),
                        result.kept().size(),
                        result.incompleteRemoved() > 0
                                ? ", removed " + result.incompleteRemoved() + " leftover(s) of interrupted runs"
                                : "");
        return 0;
    }
}
