package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgkeep backup}. */
@Command(name = "backup", description = "Back up a database into the repository.", mixinStandardHelpOptions = true)
final class BackupCommand extends CliCommand {

    @Option(
            names = "--db",
            paramLabel = "URL",
            defaultValue = "${env:PGKEEP_DB}",
            description = "postgresql://user@host:port/db or jdbc:postgresql://... (default: $PGKEEP_DB, then libpq's"
                    + " PGHOST/PGPORT/PGUSER/PGDATABASE).")
    @Nullable
    String db;

    @Option(
            names = "--compression",
            paramLabel = "CODEC",
            defaultValue = "zstd",
            description = "zstd (default), gzip or none.")
    String compression = "zstd";

    @Option(
            names = "--level",
            paramLabel = "N",
            description = "Compression level (zstd default " + Codec.DEFAULT_ZSTD_LEVEL + ", gzip default "
                    + Codec.DEFAULT_GZIP_LEVEL + ").")
    @Nullable
    Integer level;

    @Option(
            names = "--encrypt-to",
            paramLabel = "KEYFILE",
            description = "OpenPGP public key (file) to encrypt to; repeat for several recipients.")
    List<Path> encryptTo = new ArrayList<>();

    @Option(
            names = "--lock-wait-timeout",
            paramLabel = "DURATION",
            description = "How long pg_dump waits for a table another session holds locked (e.g. by ALTER TABLE)"
                    + " before the backup fails: 500ms, 30s, 5m, 2h; 0 waits without limit (default 5m).")
    @Nullable
    String lockWaitTimeout;

    @Mixin
    SigningOptions signing = new SigningOptions();

    @Option(
            names = "--jobs",
            paramLabel = "N",
            defaultValue = "1",
            description = "Parallel pg_dump jobs (default 1: one custom-format archive). 2 or more run pg_dump"
                    + " --format=directory --jobs=N into a spool folder in the temp folder and store each table's"
                    + " file as an object of its own; restore such a backup with --jobs too.")
    int jobs = 1;

    @Option(names = "--label", paramLabel = "TEXT", description = "Free text stored in the manifest.")
    @Nullable
    String label;

    @Option(
            names = "--all",
            description = "Back up the whole server --db points at: its roles and every database (except postgres)"
                    + " as one set.")
    boolean all;

    @Option(
            names = "--with-role-passwords",
            description = "With --all: include the roles' password hashes (only into an encrypted repository).")
    boolean withRolePasswords;

    @Option(
            names = "--copy-to",
            paramLabel = "URI",
            description = "After the backup is committed, copy it to this repository too (repeatable). A failed copy"
                    + " is reported and alerted but does not fail the backup.")
    List<String> copyTo = new ArrayList<>();

    @Mixin
    ProgressOptions progressOptions = new ProgressOptions();

    @Override
    public Integer call() {
        if (all && jobs != 1) {
            throw new BadInputException("--jobs goes with the backup of one database, not with --all.");
        }
        if (all) {
            return backupAll();
        }
        if (withRolePasswords) {
            throw new BadInputException("--with-role-passwords goes with --all (role passwords are server globals).");
        }
        if (jobs < 1) {
            throw new BadInputException("--jobs must be at least 1, got " + jobs + ".");
        }
        DatabaseConnection database = env.database(db);
        StorageAdapter storage = env.storage(common.repo);
        BackupService service = configured(storage, database).build();
        progress("Backing up " + database.describe() + " to " + storage.describe() + " ...", progressOptions);
        BackupManifest m = service.backup(BackupRequest.of(database, Trigger.CLI)
                        .withLabel(label)
                        .withJobs(jobs)
                        .withProgress(progressListener("backup", progressOptions))
                        .withActor(System.getProperty("user.name"), null))
                .manifest();
        List<Map<String, Object>> copies = new ArrayList<>();
        for (String uri : copyTo) {
            copies.add(copy(service, m, uri));
        }
        if (common.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", m.id().value());
            result.put("database", m.database());
            result.put("storedBytes", m.storedBytes());
            result.put("dumpBytes", m.dumpBytes());
            result.put("sha256", m.sha256());
            result.put("durationMs", m.durationMs());
            result.put("compression", m.compression());
            result.put("encrypted", m.encrypted());
            if (!copyTo.isEmpty()) {
                result.put("copies", copies);
            }
            env.out().println(Output.json(result));
        } else {
            env.out()
                    .printf(
                            "Backup %s of %s stored: %s (%s before compression, %s) in %s%n",
                            m.id(),
                            m.database(),
                            Output.bytes(m.storedBytes()),
                            Output.bytes(m.dumpBytes()),
                            m.compression().codec() + (m.encrypted() ? ", OpenPGP-encrypted" : ""),
                            Output.millis(m.durationMs()));
        }
        return 0;
    }

    /** One {@code --copy-to}: its failure is printed (and alerted, through the audit sinks), never thrown. */
    private Map<String, Object> copy(BackupService service, BackupManifest m, String uri) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("to", uri);
        try {
            StorageAdapter target = env.storage(uri);
            outcome.put("to", target.describe());
            CopyResult result =
                    service.copy(CopyRequest.backup(m.id(), target).by(Trigger.CLI, System.getProperty("user.name")));
            outcome.put("ok", true);
            outcome.put("bytesCopied", result.bytesCopied());
            if (!common.json) {
                env.out()
                        .printf(
                                "Copied %s to %s (%s)%n",
                                m.id(), target.describe(), Output.bytes(result.bytesCopied()));
            }
        } catch (RuntimeException e) {
            outcome.put("ok", false);
            outcome.put("error", String.valueOf(e.getMessage()));
            env.err()
                    .printf(
                            "The backup is stored, but copying it to %s failed: %s%n",
                            outcome.get("to"), e.getMessage());
        }
        return outcome;
    }

    /** The service this command's options describe: codec, encryption, signing, lock wait. */
    private BackupServiceBuilder configured(StorageAdapter storage, DatabaseConnection database) {
        BackupServiceBuilder builder =
                service(storage, database, Repositories.encryptor(encryptTo)).codec(Codec.of(compression, level));
        builder.manifestSigner(Repositories.signer(signing, env));
        if (lockWaitTimeout != null) {
            builder.lockWaitTimeout(DurationOption.parse("--lock-wait-timeout", lockWaitTimeout));
        }
        return builder;
    }

    private int backupAll() {
        DatabaseConnection server = env.database(db);
        StorageAdapter storage = env.storage(common.repo);
        BackupService service = configured(storage, server).build();
        progress("Backing up every database of " + server.describe() + " and its roles to " + storage.describe()
                + " ...");
        BackupSet set = service.backupAll(server, withRolePasswords, Trigger.CLI, System.getProperty("user.name"));
        if (common.json) {
            env.out().println(Output.json(set));
        } else {
            env.out()
                    .printf(
                            "Set %s of %s: %s%n",
                            set.id(), server.describe(), set.complete() ? "complete" : "INCOMPLETE");
            for (BackupSet.Part p : set.databases()) {
                env.out().printf("  %-30s %s%n", p.database(), p.ok() ? p.backupId() : "FAILED: " + p.error());
            }
            if (!set.skipped().isEmpty()) {
                env.out().printf("  not backed up: %s (PostgreSQL's maintenance database)%n", set.skipped());
            }
        }
        return set.complete() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
