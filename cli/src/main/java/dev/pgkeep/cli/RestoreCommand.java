package dev.pgkeep.cli;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgkeep restore}. */
@Command(
        name = "restore",
        description = "Restore a backup (or a local archive file) into a database.",
        mixinStandardHelpOptions = true)
final class RestoreCommand extends CliCommand {

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = "Target database URL (default: $PGKEEP_DB, then" + " libpq's variables).")
    @Nullable
    String db;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source = new Source();

    static final class Source {
        @Option(names = "--backup", paramLabel = "ID", description = "Restore this backup.")
        @Nullable
        String backup;

        @Option(names = "--latest", description = "Restore the newest good backup (of --source).")
        boolean latest;

        @Option(
                names = "--file",
                paramLabel = "PATH",
                description = "Restore a local archive: pg_dump custom format,"
                        + " optionally gzip/zstd-compressed and/or OpenPGP-encrypted.")
        @Nullable
        Path file;
    }

    @Option(
            names = "--source",
            paramLabel = "DBNAME",
            description = "With --latest: whose backups (default: the"
                    + " repository's only database, else the target's name).")
    @Nullable
    String sourceDatabase;

    @Option(names = "--create", description = "Create the target database (it must not exist).")
    boolean create;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "Parallel pg_restore jobs.")
    int jobs = 1;

    @Option(names = "--single-transaction", description = "Restore in one transaction (all or nothing).")
    boolean singleTransaction;

    @Option(names = "--no-owner", description = "Skip ownership commands (restore as another role).")
    boolean noOwner;

    @Option(names = "--no-privileges", description = "Skip GRANT/REVOKE (restore as another role).")
    boolean noPrivileges;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Mixin
    TrustOptions trust = new TrustOptions();

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(names = "--no-safety-backup", description = "Do not back up the target before restoring over it.")
    boolean noSafetyBackup;

    @Option(names = "--force", description = "Allow restoring over a database that holds tables.")
    boolean force;

    @Option(
            names = "--confirm",
            paramLabel = "DBNAME",
            description = "The target's name; required when" + " PGKEEP_ENV=production.")
    @Nullable
    String confirm;

    @Override
    public Integer call() throws Exception {
        DatabaseConnection target = env.database(db);
        RestoreSource from;
        StorageAdapter storage;
        Path scratchRepo = null;
        if (source.file != null) {
            from = RestoreSource.file(source.file);
            // a safety backup still needs a home: the repository if given, else a folder next to the file
            if (common.repo != null || env.getenv("PGKEEP_REPO") != null) {
                storage = env.storage(common.repo);
            } else {
                scratchRepo = source.file.toAbsolutePath().resolveSibling("pgkeep-safety-backups");
                storage = new LocalStorageAdapter(scratchRepo);
            }
        } else {
            from = source.backup != null ? RestoreSource.byId(source.backup) : RestoreSource.latest(sourceDatabase);
            storage = env.storage(common.repo);
        }
        BackupService service = service(storage, null, Repositories.decryptor(decryption, env))
                .manifestVerifier(Repositories.verifier(trust))
                .manifestSigner(Repositories.signer(signing, env))
                .build();

        progress("Restoring into " + target.describe() + " (checksum first) ...");
        RestoreResult result = service.restore(RestoreRequest.builder(from, target)
                .createDatabase(create)
                .jobs(jobs)
                .singleTransaction(singleTransaction)
                .noOwner(noOwner)
                .noPrivileges(noPrivileges)
                .force(force)
                .confirm(confirm)
                .production(env.production())
                .safetyBackup(!noSafetyBackup)
                .trigger(Trigger.CLI)
                .actor(System.getProperty("user.name"), null)
                .build());
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(
                    "backupId",
                    result.backupId() == null ? null : result.backupId().value());
            json.put("database", result.targetDatabase());
            json.put("created", result.created());
            json.put("durationMs", result.durationMs());
            json.put("archiveBytes", result.archiveBytes());
            json.put(
                    "safetyBackupId",
                    result.safetyBackupId() == null
                            ? null
                            : result.safetyBackupId().value());
            env.out().println(Output.json(json));
        } else {
            env.out()
                    .printf(
                            "Restored %s into %s%s in %s%n",
                            result.backupId() != null ? "backup " + result.backupId() : String.valueOf(source.file),
                            result.targetDatabase(),
                            result.created() ? " (created)" : "",
                            Output.millis(result.durationMs()));
            if (result.safetyBackupId() != null) {
                env.out()
                        .printf(
                                "Safety backup of the previous contents: %s%s%n",
                                result.safetyBackupId(), scratchRepo != null ? " in " + scratchRepo : "");
            }
        }
        if (scratchRepo != null && result.safetyBackupId() == null) {
            Files.deleteIfExists(scratchRepo);
        }
        return 0;
    }
}
