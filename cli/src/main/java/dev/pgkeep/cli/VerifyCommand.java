package dev.pgkeep.cli;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreChecks;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.RestoreCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
final class VerifyCommand extends CliCommand {

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
            names = "--check-sql",
            paramLabel = "FILE",
            description = "With --restore-test: the application's checks, run on the restored copy; each statement"
                    + " (ending with ';') must return no rows or true (repeatable).")
    List<Path> checkSql = new ArrayList<>();

    @Option(
            names = "--db",
            paramLabel = "URL",
            defaultValue = "${env:PGKEEP_DB}",
            description = "With --restore-test: any database on the server to use (pgkeep creates and drops its"
                    + " own scratch database there; default: $PGKEEP_DB, then libpq's variables).")
    @Nullable
    String db;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Mixin
    ProgressOptions progressOptions = new ProgressOptions();

    @Mixin
    TrustOptions trust = new TrustOptions();

    @Override
    public Integer call() {
        BackupService service = service(env.storage(common.repo), null, Repositories.decryptor(decryption, env))
                .manifestVerifier(Repositories.verifier(trust))
                .lock(BackupLock.NONE)
                .build();
        RestoreSource from =
                source.backup != null ? RestoreSource.byId(source.backup) : RestoreSource.latest(sourceDatabase);
        VerifyRequest request = restoreTest
                ? VerifyRequest.withRestoreTest(from, env.database(db), Trigger.CLI)
                : VerifyRequest.of(from, Trigger.CLI);
        List<RestoreCheck> checks = new ArrayList<>();
        checkSql.forEach(file -> checks.addAll(RestoreChecks.fromSqlFile(file)));
        if (!checks.isEmpty()) {
            request = request.withChecks(checks);
        }
        VerifyResult result = service.verify(request.withProgress(progressListener("verify", progressOptions)));
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
