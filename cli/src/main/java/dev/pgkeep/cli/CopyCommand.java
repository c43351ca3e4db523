package dev.pgkeep.cli;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgkeep copy}: committed backups to a second repository, as stored. */
@Command(
        name = "copy",
        description = "Copy committed backups to another repository (local or S3), as stored: checksum checked on the"
                + " way, manifest last, backups the target already holds skipped.",
        mixinStandardHelpOptions = true)
final class CopyCommand extends CliCommand {

    @Option(
            names = "--from",
            paramLabel = "URI",
            description = "The repository to copy from (default: --repo, then $PGKEEP_REPO).")
    @Nullable
    String from;

    @Option(names = "--to", paramLabel = "URI", required = true, description = "The repository to copy to.")
    String to = "";

    @ArgGroup(multiplicity = "1")
    Which which = new Which();

    static final class Which {
        @Option(names = "--backup", paramLabel = "ID", description = "Copy this backup.")
        @Nullable
        String backup;

        @Option(names = "--latest", description = "Copy the newest good backup (of --database).")
        boolean latest;

        @Option(names = "--all", description = "Copy every good backup (of --database) the target lacks.")
        boolean all;
    }

    @Option(names = "--database", paramLabel = "NAME", description = "Only backups of this database.")
    @Nullable
    String database;

    @Mixin
    ProgressOptions progressOptions = new ProgressOptions();

    @Override
    public Integer call() {
        StorageAdapter source = env.storage(from != null ? from : common.repo);
        StorageAdapter target = env.storage(to);
        BackupService service =
                service(source, null, Encryptor.NONE).lock(BackupLock.NONE).build();
        CopyRequest request;
        if (which.backup != null) {
            request = CopyRequest.backup(BackupId.parse(which.backup), target);
        } else if (which.latest) {
            request = CopyRequest.latest(database, target);
        } else {
            request = CopyRequest.all(database, target);
        }
        progress("Copying from " + source.describe() + " to " + target.describe() + " ...", progressOptions);
        CopyResult result = service.copy(request.by(Trigger.CLI, System.getProperty("user.name"))
                .withProgress(progressListener("copy", progressOptions)));
        print(env, common.json, source.describe(), result);
        return result.complete()
                ? ExitCodes.OK
                : ExitCodes.of(result.failed().get(0).kind());
    }

    /** The result as {@code copy} and {@code backup --copy-to} print it. */
    static void print(CliEnvironment env, boolean json, String from, CopyResult result) {
        if (json) {
            env.out().println(Output.json(toJson(from, result)));
            return;
        }
        for (BackupManifest m : result.copied()) {
            env.out()
                    .printf(
                            "Copied %s (%s, %s) to %s%n",
                            m.id(), m.database(), Output.bytes(m.storedBytes()), result.target());
        }
        for (CopyResult.Failure f : result.failed()) {
            env.err().printf("Could not copy %s (%s) to %s: %s%n", f.id(), f.database(), result.target(), f.message());
        }
        env.out()
                .printf(
                        "%d copied (%s), %d already in %s, %d failed.%n",
                        result.copied().size(),
                        Output.bytes(result.bytesCopied()),
                        result.alreadyPresent().size(),
                        result.target(),
                        result.failed().size());
    }

    static Map<String, Object> toJson(@Nullable String from, CopyResult result) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (from != null) {
            json.put("from", from);
        }
        json.put("to", result.target());
        json.put("copied", ids(result.copied()));
        json.put("alreadyPresent", ids(result.alreadyPresent()));
        json.put(
                "failed",
                result.failed().stream()
                        .map(f -> {
                            Map<String, Object> failure = new LinkedHashMap<>();
                            failure.put("id", f.id().value());
                            failure.put("database", f.database());
                            failure.put("errorCode", f.kind().code());
                            failure.put("error", f.message());
                            return failure;
                        })
                        .toList());
        json.put("bytesCopied", result.bytesCopied());
        json.put("complete", result.complete());
        return json;
    }

    private static List<String> ids(List<BackupManifest> backups) {
        return backups.stream().map(m -> m.id().value()).toList();
    }
}
