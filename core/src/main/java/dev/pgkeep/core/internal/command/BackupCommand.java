package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.archive.DumpChecks;
import dev.pgkeep.core.internal.archive.DumpStream;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.ProcessOutput;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup}: under the database's backup lock, pg_dump of the server's major (else the nearest newer) streams
 * through the archive checks, the codec, the encryptor and SHA-256 into storage; the manifest is written last.
 */
public final class BackupCommand {
    private static final Logger log = LoggerFactory.getLogger(BackupCommand.class);
    static final String TOOL_NAME = "pgkeep";
    static final String TOOL_VERSION = toolVersion();

    private final CommandContext c;

    public BackupCommand(CommandContext context) {
        this.c = context;
    }

    public BackupResult run(BackupRequest request) {
        return run(request, null);
    }

    /**
     * A backup under {@code heldLock}, the database's backup lock, when the caller already holds it (a restore taking
     * its safety backup of the target); {@code null} takes the lock here.
     */
    BackupResult run(BackupRequest request, BackupLock.@Nullable Lease heldLock) {
        DatabaseConnection db = request.database() != null ? request.database() : c.defaultDatabase();
        if (db == null) {
            throw new BadInputException(
                            "No database to back up: the request names none and the BackupService has no default.")
                    .withRemedy(PgkeepException.Remedy.NAME_DATABASE, null);
        }
        OperationEvents.Run run = c.events()
                .of(Operation.BACKUP, db.database(), request.trigger(), request.actor(), request.clientAddress());
        return run.around(() -> {
            String serverVersion = connect(db);
            if (heldLock != null) {
                return backUp(db, serverVersion, request, run, heldLock);
            }
            Optional<BackupLock.Lease> lease = c.lock().tryAcquire(db);
            if (lease.isEmpty()) {
                throw new BackupInProgressException(db.database());
            }
            try (BackupLock.Lease held = lease.get()) {
                return backUp(db, serverVersion, request, run, held);
            }
        });
    }

    private BackupResult backUp(
            DatabaseConnection db,
            String serverVersion,
            BackupRequest request,
            OperationEvents.Run run,
            BackupLock.Lease lock) {
        BackupManifest manifest = dump(db, serverVersion, request, run, lock);
        run.manifest = manifest;
        run.backupId = manifest.id().value();
        run.storedBytes = manifest.storedBytes();
        run.dumpBytes = manifest.dumpBytes();
        log.info(
                "Backup {} of {} stored: {} bytes ({} before compression) in {} ms",
                manifest.id(),
                db.database(),
                manifest.storedBytes(),
                manifest.dumpBytes(),
                manifest.durationMs());
        return new BackupResult(manifest);
    }

    /** Connects once (through psql) to learn the server version, with libpq's own message when that fails. */
    private String connect(DatabaseConnection db) {
        try {
            return c.tools().serverVersion(db);
        } catch (PgkeepException e) {
            throw new PgkeepException(
                    "Cannot back up database '" + db.database() + "': " + e.getMessage() + hintFor(e.getMessage()), e);
        }
    }

    private BackupManifest dump(
            DatabaseConnection db,
            String serverVersion,
            BackupRequest request,
            OperationEvents.Run run,
            BackupLock.Lease lock) {
        PgTools dumpTools = c.tools()
                .forServer(PgTools.major(serverVersion), "PostgreSQL " + serverVersion + " (" + db.describe() + ")");
        String pgDump = dumpTools.program("pg_dump");
        c.catalog().removeIncompleteWrites();

        Instant started = c.clock().instant();
        BackupId id = BackupId.generate(started);
        run.backupId = id.value();
        String dumpObject = RepositoryLayout.DUMP_BASE
                + c.codec().fileSuffix()
                + c.encryptor().fileSuffix();
        String dumpKey = RepositoryLayout.dumpKey(db.database(), id, dumpObject);

        List<String> command = new ArrayList<>(List.of(pgDump, "--format=custom", "--compress=0", "--no-password"));
        if (!c.lockWaitTimeout().isZero()) {
            // pg_dump waits for its table locks at most this long instead of hanging behind an ACCESS EXCLUSIVE lock
            command.add("--lock-wait-timeout=" + c.lockWaitTimeout().toMillis());
        }
        RunningProcess process;
        try {
            process = dumpTools.runner().start(command, db.libpqEnvironment(), null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start pg_dump (" + pgDump + "): " + e.getMessage(), e);
        }
        ProcessOutput.StreamCollector stderr =
                ProcessOutput.StreamCollector.start(process.stderr(), 16 * 1024, "pg_dump-stderr");
        DumpStream.Outcome outcome;
        BackupManifest.Proof proof;
        try (StorageAdapter.PendingObject object = c.storage().create(dumpKey);
                DumpChecks checks = new DumpChecks(dumpTools)) {
            try {
                process.stdin().close();
                outcome = DumpStream.run(process, c.codec(), c.encryptor(), object.output(), checks);
                int exit = process.waitFor();
                if (exit != 0) {
                    throw new PgkeepException("pg_dump of " + db.describe() + " failed (exit code " + exit + "): "
                            + ProcessOutput.tail(stderr.text()) + hintFor(stderr.text())
                            + lockWaitHint(stderr.text()));
                }
            } catch (IOException e) {
                process.kill();
                String said = stderr.text().strip();
                throw new PgkeepException(
                        "Backup of " + db.describe() + " failed while streaming to "
                                + c.storage().describe() + ": " + e.getMessage()
                                + (said.isEmpty() ? "" : "; pg_dump said: " + ProcessOutput.tail(said)),
                        e);
            }
            proof = checks.prove(db, outcome.dumpBytes());
            object.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the backup of " + db.describe() + " in "
                            + c.storage().describe() + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new PgkeepException("Backup of " + db.describe() + " was interrupted; nothing was stored.", e);
        } finally {
            if (process.isAlive()) {
                process.kill();
            }
        }

        Instant completed = c.clock().instant();
        BackupManifest manifest = new BackupManifest(
                BackupManifest.FORMAT_VERSION,
                id,
                db.database(),
                request.label(),
                request.trigger(),
                started,
                completed,
                Duration.between(started, completed).toMillis(),
                serverVersion,
                dumpTools.installation().version(),
                pgDump,
                "custom",
                new BackupManifest.Compression(c.codec().name(), c.codec().level()),
                c.encryptor().describe(),
                dumpObject,
                outcome.dumpBytes(),
                outcome.storedBytes(),
                outcome.sha256(),
                outcome.inspector().tables(),
                proof,
                new BackupManifest.Tool(TOOL_NAME, TOOL_VERSION),
                null);
        try {
            // the manifest is the commit marker: none while another process may have held the lock meanwhile
            lock.ensureHeld();
            // a signed backup's signature exists before its manifest, so no listed backup lacks one
            c.signatures().sign(manifest);
        } catch (RuntimeException e) {
            deleteQuietly(dumpKey);
            throw e;
        }
        c.catalog().writeManifest(manifest);
        return manifest;
    }

    private void deleteQuietly(String key) {
        try {
            c.storage().delete(key);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remove {} (a later prune will): {}", key, e.toString());
        }
    }

    /** pg_dump gave up waiting for a table lock: say so, with the timeout, in core's terms. */
    private String lockWaitHint(String stderr) {
        if (!stderr.contains("LOCK TABLE") || c.lockWaitTimeout().isZero()) {
            return "";
        }
        return "\nA table was locked by another session (e.g. ACCESS EXCLUSIVE for ALTER TABLE, VACUUM FULL or"
                + " TRUNCATE) for longer than the lock wait timeout of "
                + c.lockWaitTimeout().toMillis()
                + " ms, so pg_dump gave up instead of waiting; find the holder in pg_locks and pg_stat_activity, or"
                + " raise the lock wait timeout.";
    }

    /** What to check for the failures people most often meet, in core's terms (front ends name their settings). */
    private static String hintFor(@Nullable String stderr) {
        if (stderr == null) {
            return "";
        }
        if (stderr.contains("password authentication failed") || stderr.contains("no password supplied")) {
            return "\nCheck the user and password (PGPASSWORD, ~/.pgpass or the password in the connection URL).";
        }
        if (stderr.contains("does not exist")) {
            return "\nCheck the database name in the connection URL.";
        }
        return "";
    }

    private static String toolVersion() {
        String v = BackupCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
