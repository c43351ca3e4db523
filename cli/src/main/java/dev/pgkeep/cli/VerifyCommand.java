package dev.pgkeep.cli;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.spi.BackupLock;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgkeep verify}. */
@Command(
        name = "verify",
        description = "Check a backup: checksum and pg_restore --list; with --restore-test also a"
                + " restore into a scratch database whose row counts must match the manifest.",
        mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer>, CliEnvironment.Aware {
    @Mixin
    CommonOptions common = new CommonOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source = new Source();

    static final class Source {
        @Option(names = "--backup", paramLabel = "ID", description = "Verify this backup.")
        @Nullable
        String backup;

        @Option(names = "--latest", description = "Verify the newest backup (of --source).")
        boolean latest;
    }

    @Option(names = "--source", paramLabel = "DBNAME", description = "With --latest: whose backups.")
    @Nullable
    String sourceDatabase;

    @Option(names = "--restore-test", description = "Also restore into a scratch database on the --db server.")
    boolean restoreTest;

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = "With --restore-test: any database on the server to"
                    + " use (pgkeep creates and drops its own scratch database there).")
    @Nullable
    String db;

    @Option(names = "--decrypt-key", paramLabel = "KEYFILE", description = "OpenPGP secret key for encrypted backups.")
    @Nullable
    Path decryptKey;

    @Option(
            names = "--passphrase-env",
            paramLabel = "VAR",
            description = "Environment variable holding the" + " passphrase.")
    @Nullable
    String passphraseEnv;

    private CliEnvironment env;

    @Override
    public void environment(CliEnvironment environment) {
        this.env = environment;
    }

    @Override
    public Integer call() {
        BackupService service = env.service(
                        env.storage(common.repo),
                        null,
                        Repositories.encryptor(List.of(), decryptKey, passphraseEnv, env))
                .lock(BackupLock.NONE)
                .build();
        RestoreSource from =
                source.backup != null ? RestoreSource.byId(source.backup) : RestoreSource.latest(sourceDatabase);
        VerifyRequest request = restoreTest
                ? VerifyRequest.withRestoreTest(from, env.database(db), Trigger.CLI)
                : VerifyRequest.of(from, Trigger.CLI);
        VerifyResult result = service.verify(request);
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("backupId", result.backupId().value());
            json.put("ok", true);
            json.put("method", result.method());
            json.put("archiveEntries", result.archiveEntries());
            json.put("tablesCompared", result.tablesCompared());
            json.put("durationMs", result.durationMs());
            env.out().println(Output.json(json));
        } else {
            env.out()
                    .printf(
                            "Backup %s is good (%s: %d archive entries%s) in %s%n",
                            result.backupId(),
                            result.method(),
                            result.archiveEntries(),
                            result.tablesCompared() == null
                                    ? ""
                                    : ", row counts of " + result.tablesCompared() + " tables match",
                            Output.millis(result.durationMs()));
        }
        return 0;
    }
}
