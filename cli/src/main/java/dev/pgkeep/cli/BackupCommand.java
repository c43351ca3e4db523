package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
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

    @Option(names = "--label", paramLabel = "TEXT", description = "Free text stored in the manifest.")
    @Nullable
    String label;

    @Override
    public Integer call() {
        DatabaseConnection database = env.database(db);
        StorageAdapter storage = env.storage(common.repo);
        BackupServiceBuilder builder =
                service(storage, database, Repositories.encryptor(encryptTo)).codec(Codec.of(compression, level));
        builder.manifestSigner(Repositories.signer(signing, env));
        if (lockWaitTimeout != null) {
            builder.lockWaitTimeout(DurationOption.parse("--lock-wait-timeout", lockWaitTimeout));
        }
        BackupService service = builder.build();
        progress("Backing up " + database.describe() + " to " + storage.describe() + " ...");
        BackupManifest m = service.backup(BackupRequest.of(database, Trigger.CLI)
                        .withLabel(label)
                        .withActor(System.getProperty("user.name"), null))
                .manifest();
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
}
