package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.internal.archive.ProgressMeter;
import dev.pgkeep.core.internal.archive.StagedArchive;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PostgresAdvisoryLock;
import dev.pgkeep.core.internal.postgres.RestoreTarget;
import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.core.internal.postgres.TargetDatabases;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.RestoreCheck;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code verify}: the stored object's checksum, a full decode through pg_restore and the archive checks (row counts
 * against the manifest) and, when asked, a restore into a scratch database whose row counts must match. The result
 * is recorded in the manifest; only an integrity failure (checksum, OpenPGP integrity, archive structure, row counts)
 * marks the backup bad. Anything else (storage unreachable, temp folder full, pg_restore missing or too old, the
 * scratch server down) is a failed verification run: it is reported and the manifest keeps its verification.
 *
 * <p>Runs of one backup are exclusive within this JVM (a second gets {@code IN_PROGRESS}). Each restore test uses its
 * own scratch database, {@value #SCRATCH_PREFIX}{@code <id>_<random>}, kept connected while it runs; scratch
 * databases of that prefix nobody is connected to are leftovers of killed runs and the next restore test drops them.
 */
public final class VerifyCommand {
    private static final Logger log = LoggerFactory.getLogger(VerifyCommand.class);

    /** Tables counted per statement of the restore test. */
    private static final int COUNT_BATCH = 100;

    /** What every scratch database's name starts with, so leftovers of killed runs can be found. */
    static final String SCRATCH_PREFIX = "pgkeep_verify_";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Backups being verified in this JVM, by repository and id. */
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

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
            String runningKey = c.storage().describe() + "\n" + manifest.id().value();
            if (!RUNNING.add(runningKey)) {
                throw new PgkeepException(
                        ErrorKind.IN_PROGRESS,
                        "Backup " + manifest.id() + " is being verified already; wait for that verification to end.",
                        null);
            }
            try {
                return verify(manifest, request);
            } finally {
                RUNNING.remove(runningKey);
            }
        });
    }

    private VerifyResult verify(BackupManifest manifest, VerifyRequest request) {
        Instant started = c.clock().instant();
        String method = !request.restoreTest()
                ? "checksum+list"
                : request.checks().isEmpty() ? "restore-test" : "restore-test+checks";
        List<String> checkNames = request.checks().isEmpty()
                ? null
                : request.checks().stream().map(RestoreCheck::name).toList();
        try {
            int entries;
            Integer compared = null;
            try (StagedArchive archive =
                    c.staging().stageStored(manifest, false, ProgressMeter.of(request.progress()))) {
                entries = archive.checkArchive(manifest.tables());
                if (request.restoreTest()) {
                    DatabaseConnection server = request.scratchServer();
                    if (server == null) {
                        throw new BadInputException("A restore test needs a server to restore into.")
                                .withRemedy(PgkeepException.Remedy.NAME_SCRATCH_SERVER, null);
                    }
                    compared = restoreTest(manifest, archive, server, request.checks());
                }
            }
            record(manifest, method, true, null, checkNames);
            return new VerifyResult(
                    manifest.id(),
                    method,
                    entries,
                    compared,
                    Duration.between(started, c.clock().instant()).toMillis());
        } catch (IntegrityException e) {
            record(manifest, method, false, e.getMessage(), checkNames);
            throw e;
        } catch (PgkeepException e) {
            if (e.kind() != ErrorKind.FAILED) {
                throw e;
            }
            PgkeepException failed = new PgkeepException(
                    "The verification of backup " + manifest.id() + " could not run to the end, so the backup's"
                            + " recorded verification is unchanged: " + e.getMessage(),
                    e);
            if (e.remedy() != null) {
                failed.withRemedy(e.remedy(), e.remedyArgument());
            }
            throw failed;
        }
    }

    private int restoreTest(
            BackupManifest manifest, StagedArchive archive, DatabaseConnection server, List<RestoreCheck> checks) {
        dropLeftoverScratchDatabases(server);
        String scratchName = scratchName(manifest);
        DatabaseConnection scratch = server.withDatabase(scratchName);
        RestoreTarget target =
                RestoreCommand.restoreTarget(c.tools(), scratch, c.targets().serverVersion(scratch), archive);
        RestoreCommand.createLikeSource(c.targets(), scratch, archive, target.serverMajor(), false, false);
        // a session on the scratch database for the whole test: another run sees it in use, never as a leftover
        Optional<BackupLock.Lease> inUse = Optional.empty();
        try {
            inUse = new PostgresAdvisoryLock(c.tools()).tryAcquire(scratch);
            archive.restoreInto(target, List.of("--no-owner", "--no-privileges"));
            List<BackupManifest.TableRows> expected = manifest.tables();
            int compared = 0;
            if (expected != null && !expected.isEmpty()) {
                List<String> mismatches = compareRows(scratch, expected);
                if (!mismatches.isEmpty()) {
                    throw new IntegrityException("Restore test of backup " + manifest.id() + " found other row counts"
                            + " than the manifest: " + String.join("; ", mismatches));
                }
                compared = expected.size();
            }
            runChecks(manifest, scratch, checks);
            return compared;
        } finally {
            inUse.ifPresent(BackupLock.Lease::close);
            c.targets().dropQuietly(scratch);
        }
    }

    /** {@value #SCRATCH_PREFIX}{@code <id>_<8 random hex digits>}: unique per run, at most 51 characters. */
    static String scratchName(BackupManifest manifest) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return SCRATCH_PREFIX + manifest.id().value().toLowerCase(Locale.ROOT).replace('-', '_') + "_"
                + HexFormat.of().formatHex(suffix);
    }

    /** Scratch databases of earlier runs that nobody is connected to: left by a verify that was killed. */
    private void dropLeftoverScratchDatabases(DatabaseConnection server) {
        DatabaseConnection maintenance = TargetDatabases.maintenance(server);
        String leftovers;
        try {
            leftovers = c.tools()
                    .psqlValue(
                            maintenance,
                            "SELECT d.datname FROM pg_database d WHERE d.datname LIKE "
                                    + SqlText.literal(SCRATCH_PREFIX.replace("_", "\\_") + "%")
                                    + " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname ="
                                    + " d.datname) ORDER BY 1");
        } catch (PgkeepException e) {
            log.warn("Could not look for leftover scratch databases on {}: {}", server.describe(), e.getMessage());
            return;
        }
        for (String name : leftovers.split("\n")) {
            if (name.isBlank()) {
                continue;
            }
            try {
                // without FORCE: a run that connected meanwhile keeps its database
                c.tools().psql(maintenance, "DROP DATABASE IF EXISTS " + SqlText.identifier(name.strip()));
                log.info("Dropped the scratch database {} left by an interrupted verification", name.strip());
            } catch (PgkeepException e) {
                log.debug("Kept the scratch database {}: {}", name.strip(), e.getMessage());
            }
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

    /** The application's checks on the restored copy; every failing one is named in the integrity failure. */
    private void runChecks(BackupManifest manifest, DatabaseConnection scratch, List<RestoreCheck> checks) {
        if (checks.isEmpty()) {
            return;
        }
        RestoreCheck.Restored restored = new RestoreCheck.Restored() {
            @Override
            public DatabaseConnection database() {
                return scratch;
            }

            @Override
            public BackupManifest backup() {
                return manifest;
            }

            @Override
            public List<List<@Nullable String>> query(String sql) {
                return rows(c.tools().psql(scratch, sql).stdout());
            }
        };
        List<String> failures = new ArrayList<>();
        for (RestoreCheck check : checks) {
            String failure;
            try {
                failure = check.check(restored);
            } catch (Exception e) {
                failure = "could not run: " + e.getMessage();
            }
            if (failure != null) {
                failures.add(check.name() + ": " + failure);
            }
        }
        if (!failures.isEmpty()) {
            throw new IntegrityException("The restored copy of backup " + manifest.id() + " fails "
                    + failures.size() + " of the application's " + checks.size() + " check(s): "
                    + String.join("; ", failures));
        }
        log.info("Backup {} passed the application's {} check(s) on its restored copy", manifest.id(), checks.size());
    }

    /** psql's unaligned, tuples-only output (tab-separated) as rows; empty fields are SQL NULL. */
    static List<List<@Nullable String>> rows(String stdout) {
        List<List<@Nullable String>> rows = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            List<@Nullable String> row = new ArrayList<>();
            for (String field : line.split("\t", -1)) {
                row.add(field.isEmpty() ? null : field);
            }
            rows.add(row);
        }
        return rows;
    }

    private void record(
            BackupManifest manifest,
            String method,
            boolean ok,
            @Nullable String detail,
            @Nullable List<String> checks) {
        try {
            boolean stored = c.catalog()
                    .updateManifest(manifest.withVerification(
                            new BackupManifest.Verification(c.clock().instant(), method, ok, detail, checks)));
            if (!stored) {
                log.warn(
                        "Backup {} was deleted while it was verified; its verification is not recorded", manifest.id());
            }
        } catch (PgkeepException e) {
            log.warn("Could not record the verification of {}: {}", manifest.id(), e.getMessage());
        }
    }
}
