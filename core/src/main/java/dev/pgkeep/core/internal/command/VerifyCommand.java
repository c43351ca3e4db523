package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.internal.archive.StagedArchive;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.RestoreTarget;
import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code verify}: the stored object's checksum, a full decode through pg_restore and the archive checks (row counts
 * against the manifest) and, when asked, a restore into a scratch database whose row counts must match. The result
 * is recorded in the manifest; an integrity failure marks the backup bad.
 */
public final class VerifyCommand {
    private static final Logger log = LoggerFactory.getLogger(VerifyCommand.class);

    /** Tables counted per statement of the restore test. */
    private static final int COUNT_BATCH = 100;

    private final CommandContext c;

    public VerifyCommand(CommandContext context) {
        this.c = context;
    }

    public VerifyResult run(VerifyRequest request) {
        OperationEvents.Run run =
                c.events().of(Operation.VERIFY, null, request.trigger(), request.actor(), request.clientAddress());
        return run.around(() -> {
            BackupManifest manifest = c.catalog().resolve(request.source(), "");
            if (manifest == null) {
                throw new BadInputException("verify checks stored backups, not files.")
                        .withRemedy(PgkeepException.Remedy.NAME_BACKUP, null);
            }
            run.database = manifest.database();
            run.backupId = manifest.id().value();
            run.manifest = manifest;
            run.storedBytes = manifest.storedBytes();
            // outside the recording below: a missing or untrusted signature must not mark the backup bad for
            // retention (a wrong trust setting would otherwise condemn every backup)
            c.signatures().check(manifest);
            Instant started = c.clock().instant();
            String method = request.restoreTest() ? "restore-test" : "checksum+list";
            try {
                int entries;
                Integer compared = null;
                try (StagedArchive archive = c.staging().stageStored(manifest, false)) {
                    entries = archive.checkArchive(manifest.tables());
                    if (request.restoreTest()) {
                        DatabaseConnection server = request.scratchServer();
                        if (server == null) {
                            throw new BadInputException("A restore test needs a server to restore into.")
                                    .withRemedy(PgkeepException.Remedy.NAME_SCRATCH_SERVER, null);
                        }
                        compared = restoreTest(manifest, archive, server);
                    }
                }
                record(manifest, method, true, null);
                return new VerifyResult(
                        manifest.id(),
                        method,
                        entries,
                        compared,
                        Duration.between(started, c.clock().instant()).toMillis());
            } catch (IntegrityException e) {
                record(manifest, method, false, e.getMessage());
                throw e;
            }
        });
    }

    private int restoreTest(BackupManifest manifest, StagedArchive archive, DatabaseConnection server) {
        String scratchName =
                "pgkeep_verify_" + manifest.id().value().toLowerCase().replace('-', '_');
        DatabaseConnection scratch = server.withDatabase(scratchName);
        RestoreTarget target =
                RestoreCommand.restoreTarget(c.tools(), scratch, c.targets().serverVersion(scratch), archive);
        c.targets().dropQuietly(scratch);
        RestoreCommand.createLikeSource(c.targets(), scratch, archive, target.serverMajor(), false);
        try {
            archive.restoreInto(target, List.of("--no-owner", "--no-privileges"));
            List<BackupManifest.TableRows> expected = manifest.tables();
            if (expected == null || expected.isEmpty()) {
                return 0;
            }
            List<String> mismatches = compareRows(scratch, expected);
            if (!mismatches.isEmpty()) {
                throw new IntegrityException("Restore test of backup " + manifest.id() + " found other row counts"
                        + " than the manifest: " + String.join("; ", mismatches));
            }
            return expected.size();
        } finally {
            c.targets().dropQuietly(scratch);
        }
    }

    /** Tables whose restored row count is not the manifest's, each as one line. */
    private List<String> compareRows(DatabaseConnection scratch, List<BackupManifest.TableRows> expected) {
        // a statement per batch of tables, each its own transaction: one over thousands of tables would hold a
        // lock on each at once and run out of max_locks_per_transaction
        StringBuilder sql = new StringBuilder();
        int inBatch = 0;
        for (BackupManifest.TableRows t : expected) {
            if (inBatch == COUNT_BATCH) {
                sql.append(";\n");
                inBatch = 0;
            } else if (inBatch > 0) {
                sql.append(" UNION ALL ");
            }
            inBatch++;
            sql.append("SELECT ")
                    .append(SqlText.literal(t.schema() + "." + t.name()))
                    .append(", count(*) FROM ONLY ")
                    .append(SqlText.identifier(t.schema()))
                    .append('.')
                    .append(SqlText.identifier(t.name()));
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        sql.append(";\n");
        for (String line :
                c.tools().psqlScript(scratch, sql.toString()).stdout().split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0) {
                actual.put(
                        line.substring(0, tab),
                        Long.parseLong(line.substring(tab + 1).strip()));
            }
        }
        // an extension's configuration table (PostGIS's spatial_ref_sys) starts with the extension's own rows; the
        // archive holds only those a user added, so it must at least have those
        Set<String> extensionConfig =
                new HashSet<>(List.of(c.tools().psql(scratch, """
                        SELECT n.nspname || '.' || c.relname
                        FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS config(oid)
                        JOIN pg_class c ON c.oid = config.oid JOIN pg_namespace n ON n.oid = c.relnamespace
                        """).stdout().split("\n")));
        List<String> mismatches = new ArrayList<>();
        for (BackupManifest.TableRows t : expected) {
            Long rows = actual.get(t.schema() + "." + t.name());
            boolean config = extensionConfig.contains(t.schema() + "." + t.name());
            if (rows == null || (config ? rows < t.rows() : rows != t.rows())) {
                mismatches.add(t.schema() + "." + t.name() + ": manifest " + t.rows() + ", restored " + rows);
            }
        }
        return mismatches;
    }

    private void record(BackupManifest manifest, String method, boolean ok, @Nullable String detail) {
        try {
            c.catalog()
                    .writeManifest(manifest.withVerification(
                            new BackupManifest.Verification(c.clock().instant(), method, ok, detail)));
        } catch (PgkeepException e) {
            log.warn("Could not record the verification of {}: {}", manifest.id(), e.getMessage());
        }
    }
}
