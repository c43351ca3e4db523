package dev.pgkeep.cli;

import dev.pgkeep.core.BackupContents;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.ServerRestoreRequest;
import dev.pgkeep.core.ServerRestoreResult;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.InMemoryStorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
            defaultValue = "${env:PGKEEP_DB}",
            description = "Target database URL (default: $PGKEEP_DB, then libpq's variables).")
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

        @Option(
                names = "--set",
                paramLabel = "SET-ID",
                description = "Restore this whole-server backup (implies --all).")
        @Nullable
        String set;
    }

    @Option(
            names = "--all",
            description = "Restore a whole-server backup (--latest: the newest complete set) onto the server --db"
                    + " points at: its roles first, then every database, created.")
    boolean all;

    @Option(
            names = "--source",
            paramLabel = "DBNAME",
            description = "With --latest: whose backups (default: the"
                    + " repository's only database, else the target's name).")
    @Nullable
    String sourceDatabase;

    @Option(names = "--create", description = "Create the target database (it must not exist).")
    boolean create;

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "Parallel pg_restore jobs. Default: a backup taken with backup --jobs restores with as many"
                    + " jobs as there are cores (at most 8), any other with 1 (more first decode it to a temp file).")
    @Nullable
    Integer jobs;

    @Option(names = "--single-transaction", description = "Restore in one transaction (all or nothing).")
    boolean singleTransaction;

    @Option(names = "--no-owner", description = "Skip ownership commands (restore as another role).")
    boolean noOwner;

    @Option(names = "--no-privileges", description = "Skip GRANT/REVOKE (restore as another role).")
    boolean noPrivileges;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Mixin
    ProgressOptions progressOptions = new ProgressOptions();

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

    @Option(
            names = "--table",
            paramLabel = "SCHEMA.NAME",
            description = "Restore only this table, with its data, indexes, constraints, sequences, comments, grants"
                    + " and the views that need only it (repeatable).")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--schema",
            paramLabel = "NAME",
            description = "Restore only this schema, every object in it (repeatable).")
    List<String> schemas = new ArrayList<>();

    @Option(
            names = "--list-contents",
            description = "Only show what the backup holds (tables with their row counts, and every other entry with"
                    + " -v); restores nothing.")
    boolean listContents;

    @Override
    public Integer call() throws Exception {
        if (listContents) {
            return listContents();
        }
        if (all || source.set != null) {
            return restoreAll();
        }
        DatabaseConnection target = env.database(db);
        RestoreSource from;
        StorageAdapter storage;
        Path scratchRepo = null;
        if (source.file != null) {
            from = RestoreSource.file(source.file);
            // a safety backup still needs a home: the repository if given, else a folder next to the file
            if (common.repo != null && !common.repo.isBlank()) {
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

        progress("Restoring into " + target.describe() + " (checksum first) ...", progressOptions);
        RestoreRequest.Builder request = RestoreRequest.builder(from, target)
                .createDatabase(create)
                .singleTransaction(singleTransaction)
                .noOwner(noOwner)
                .noPrivileges(noPrivileges)
                .force(force)
                .confirm(confirm)
                .production(env.production())
                .safetyBackup(!noSafetyBackup)
                .trigger(Trigger.CLI)
                .actor(System.getProperty("user.name"), null)
                .progress(progressListener("restore", progressOptions));
        if (jobs != null) {
            request.jobs(jobs);
        }
        tables.forEach(request::table);
        schemas.forEach(request::schema);
        RestoreResult result = service.restore(request.build());
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
            json.put("warnings", result.warnings());
            if (!tables.isEmpty() || !schemas.isEmpty()) {
                json.put("restoredEntries", result.restoredEntries());
                json.put("leftOut", result.leftOut());
            }
            env.out().println(Output.json(json));
        } else {
            env.out()
                    .printf(
                            "Restored %s into %s%s in %s%n",
                            result.backupId() != null ? "backup " + result.backupId() : String.valueOf(source.file),
                            result.targetDatabase(),
                            result.created() ? " (created)" : "",
                            Output.millis(result.durationMs()));
            for (String warning : result.warnings()) {
                env.err().println("Warning: " + warning);
            }
            for (String left : result.leftOut()) {
                env.err().printf("Not restored (needs an object outside the selection): %s%n", left);
            }
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

    private int listContents() {
        RestoreSource from = source.file != null
                ? RestoreSource.file(source.file)
                : source.backup != null ? RestoreSource.byId(source.backup) : RestoreSource.latest(sourceDatabase);
        StorageAdapter storage = source.file != null && common.repo == null && env.getenv("PGKEEP_REPO") == null
                ? new InMemoryStorageAdapter()
                : env.storage(common.repo);
        BackupService service =
                service(storage, null, Repositories.decryptor(decryption, env)).build();
        BackupContents contents = service.contents(from);
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(
                    "backupId",
                    contents.backupId() == null ? null : contents.backupId().value());
            json.put("source", contents.source());
            json.put(
                    "items",
                    contents.items().stream()
                            .map(i -> {
                                Map<String, Object> item = new LinkedHashMap<>();
                                item.put("kind", i.kind());
                                item.put("schema", i.schema());
                                item.put("name", i.name());
                                item.put("owner", i.owner());
                                if (i.rows() != null) {
                                    item.put("rows", i.rows());
                                }
                                return item;
                            })
                            .toList());
            env.out().println(Output.json(json));
            return 0;
        }
        env.out()
                .printf(
                        "%s holds %d table(s):%n",
                        contents.source(), contents.tables().size());
        for (BackupContents.Item t : contents.tables()) {
            env.out().printf("  %-50s %s%n", t.schema() + "." + t.name(), t.rows() == null ? "" : t.rows() + " rows");
        }
        Map<String, Long> kinds = new TreeMap<>();
        contents.items().forEach(i -> kinds.merge(i.kind(), 1L, Long::sum));
        env.out().printf("Entries by kind: %s%n", kinds);
        if (common.verbose) {
            for (BackupContents.Item i : contents.items()) {
                env.out().printf("  %s %s %s%n", i.kind(), i.schema() == null ? "-" : i.schema(), i.name());
            }
        }
        return 0;
    }

    private int restoreAll() {
        if (source.backup != null || source.file != null) {
            throw new BadInputException("--all restores a whole-server set: give --set SET-ID or --latest.");
        }
        DatabaseConnection server = env.database(db);
        BackupService service = service(env.storage(common.repo), null, Repositories.decryptor(decryption, env))
                .manifestVerifier(Repositories.verifier(trust))
                .manifestSigner(Repositories.signer(signing, env))
                .build();
        progress("Restoring a whole server onto " + server.describe() + " (roles first) ...", progressOptions);
        ServerRestoreResult result = service.restoreAll(new ServerRestoreRequest(
                source.set, server, force, env.production(), confirm, Trigger.CLI, System.getProperty("user.name")));
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("setId", result.setId());
            json.put("rolesCreated", result.rolesCreated());
            json.put(
                    "databases",
                    result.databases().stream()
                            .map(RestoreResult::targetDatabase)
                            .toList());
            env.out().println(Output.json(json));
        } else {
            env.out()
                    .printf(
                            "Restored set %s onto %s: roles created %s, databases %s%n",
                            result.setId(),
                            server.describe(),
                            result.rolesCreated(),
                            result.databases().stream()
                                    .map(RestoreResult::targetDatabase)
                                    .toList());
        }
        return 0;
    }
}
