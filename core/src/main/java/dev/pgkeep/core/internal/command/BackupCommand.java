package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PgkeepVersion;
import dev.pgkeep.core.Progress;
import dev.pgkeep.core.internal.archive.DirectoryDump;
import dev.pgkeep.core.internal.archive.DumpChecks;
import dev.pgkeep.core.internal.archive.DumpStream;
import dev.pgkeep.core.internal.archive.ProgressMeter;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.ProcessOutput;
import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** The host application and the schema version the database is at as the dump starts; never fails the backup. */
    private BackupManifest.@Nullable Application application(DatabaseConnection db) {
        ApplicationInfo info = c.application();
        BackupManifest.SchemaVersion schema = null;
        try {
            schema = info.schemaVersion(db).orElse(null);
        } catch (RuntimeException e) {
            log.warn("Backup of {} goes without its schema version: {}", db.database(), e.toString());
        }
        if (info.name() == null && info.version() == null && schema == null) {
            return null;
        }
        return new BackupManifest.Application(info.name(), info.version(), schema);
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
        if (c.lock() != BackupLock.NONE) {
            // this backup holds the database's lock, which every backup of it holds while writing: whatever another
            // left under the database's keys (an open upload, a dump without manifest) is dead and goes now
            c.catalog().removeLeftoversOf(db.database());
        }
        c.catalog().removeIncompleteWrites();

        BackupManifest.Application application = application(db);
        Instant started = c.clock().instant();
        BackupId id = newId(db, started);
        run.backupId = id.value();
        String dumpObject = RepositoryLayout.DUMP_BASE
                + c.codec().fileSuffix()
                + c.encryptor().fileSuffix();
        String dumpKey = RepositoryLayout.dumpKey(db.database(), id, dumpObject);

        ProgressMeter meter = ProgressMeter.of(request.progress());
        long estimate = meter.enabled() ? databaseSize(db) : -1;
        int jobs = request.jobs() == 0 ? c.backupJobs() : request.jobs();
        if (jobs > 1) {
            return dumpDirectory(
                    db, serverVersion, request, lock, dumpTools, id, started, application, meter, estimate, jobs);
        }
        List<String> command = new ArrayList<>(List.of(pgDump, "--format=custom", "--compress=0", "--no-password"));
        addDumpOptions(command);
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
                meter.start(Progress.DUMPING, estimate, true);
                outcome = DumpStream.run(process, c.codec(), c.encryptor(), object.output(), checks, meter);
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
            meter.finish();
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
                BackupManifest.SINGLE_FORMAT_VERSION,
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
                new BackupManifest.Tool(TOOL_NAME, PgkeepVersion.version()),
                application,
                null);
        return commit(manifest, lock, List.of(dumpKey));
    }

    /** The options both formats share: the lock wait timeout and the excluded schemas. */
    private void addDumpOptions(List<String> command) {
        if (!c.lockWaitTimeout().isZero()) {
            // pg_dump waits for its table locks at most this long instead of hanging behind an ACCESS EXCLUSIVE lock
            command.add("--lock-wait-timeout=" + c.lockWaitTimeout().toMillis());
        }
        for (String schema : c.excludedSchemas()) {
            // exact name: pg_dump reads the value as a pattern, so it is quoted like an identifier
            command.add("--exclude-schema=" + SqlText.identifier(schema));
        }
    }

    /** Signs and writes the manifest, the commit marker, once every object in {@code keys} is stored. */
    private BackupManifest commit(BackupManifest manifest, BackupLock.Lease lock, List<String> keys) {
        try {
            // the manifest is the commit marker: none while another process may have held the lock meanwhile
            lock.ensureHeld();
            // a signed backup's signature exists before its manifest, so no listed backup lacks one
            c.signatures().sign(manifest);
        } catch (RuntimeException e) {
            keys.forEach(this::deleteQuietly);
            throw e;
        }
        c.catalog().writeManifest(manifest);
        requireDumpStill(manifest, RepositoryLayout.dumpKey(manifest.database(), manifest.id(), manifest.dumpObject()));
        return manifest;
    }

    /**
     * A parallel backup: {@code pg_dump --format=directory --jobs=N} into a private spool folder in the temp folder,
     * each file stored as an object of its own as soon as pg_dump finished it ({@link DirectoryDump}); the manifest,
     * listing every object with its size and SHA-256, is still written last.
     */
    private BackupManifest dumpDirectory(
            DatabaseConnection db,
            String serverVersion,
            BackupRequest request,
            BackupLock.Lease lock,
            PgTools dumpTools,
            BackupId id,
            Instant started,
            BackupManifest.@Nullable Application application,
            ProgressMeter meter,
            long estimate,
            int jobs) {
        String pgDump = dumpTools.program("pg_dump");
        Path spool = spoolFolder(db);
        Path dir = spool.resolve("dump");
        List<String> command = new ArrayList<>(List.of(pgDump, "--no-password"));
        command.addAll(DirectoryDump.pgDumpOptions(dir, jobs));
        addDumpOptions(command);
        String prefix = RepositoryLayout.backupPrefix(db.database(), id);
        DirectoryDump.Outcome outcome;
        try {
            RunningProcess process;
            try {
                process = dumpTools.runner().start(command, db.libpqEnvironment(), null);
            } catch (IOException e) {
                throw new PgkeepException("Cannot start pg_dump (" + pgDump + "): " + e.getMessage(), e);
            }
            try {
                meter.start(Progress.DUMPING, estimate, true);
                outcome = DirectoryDump.run(
                        process,
                        dir,
                        dumpTools,
                        c.codec(),
                        c.encryptor(),
                        name -> c.storage().create(prefix + name),
                        jobs + 1,
                        meter,
                        "pg_dump of " + db.describe(),
                        name -> deleteQuietly(prefix + name));
                meter.finish();
            } catch (PgkeepException e) {
                throw new PgkeepException(e.getMessage() + hintFor(e.getMessage()) + lockWaitHint(e.getMessage()), e);
            } catch (IOException e) {
                throw new PgkeepException(
                        "Backup of " + db.describe() + " failed while storing pg_dump's files in "
                                + c.storage().describe() + ": " + e.getMessage(),
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgkeepException("Backup of " + db.describe() + " was interrupted; nothing was stored.", e);
            } finally {
                if (process.isAlive()) {
                    process.kill();
                }
            }
        } finally {
            DirectoryDump.deleteSpool(spool);
        }
        log.info(
                "Parallel backup of {}: {} objects, the spool folder held at most {} bytes",
                db.database(),
                outcome.objects().size(),
                outcome.spoolPeakBytes());
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
                BackupManifest.DIRECTORY,
                new BackupManifest.Compression(c.codec().name(), c.codec().level()),
                c.encryptor().describe(),
                outcome.tocObject(),
                outcome.dumpBytes(),
                outcome.storedBytes(),
                BackupManifest.objectListingSha256(outcome.objects()),
                outcome.tables(),
                new BackupManifest.Proof(BackupManifest.Proof.INSPECTOR, null),
                new BackupManifest.Tool(TOOL_NAME, PgkeepVersion.version()),
                application,
                null,
                outcome.objects());
        return commit(
                manifest,
                lock,
                outcome.objects().stream().map(o -> prefix + o.name()).toList());
    }

    /** A new private (0700) spool folder in the temp folder, or a clear error naming it. */
    private Path spoolFolder(DatabaseConnection db) {
        Path temp = c.tempDirectory();
        try {
            Files.createDirectories(temp);
            try {
                return Files.createTempDirectory(
                        temp,
                        "pgkeep-spool-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                return Files.createTempDirectory(temp, "pgkeep-spool-");
            }
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot back up " + db.describe() + " with parallel jobs: the spool folder for"
                            + " pg_dump's files cannot be created in the temp folder " + temp + " (" + e
                            + "). Make the temp"
                            + " folder writable or choose another one, or back up with one job; nothing was stored.",
                    e);
        }
    }

    /** {@code pg_database_size}, the progress estimate's total (the dump is usually smaller); -1 when unknown. */
    private long databaseSize(DatabaseConnection db) {
        try {
            return Long.parseLong(c.tools()
                    .psqlValue(db, "SELECT pg_database_size(current_database())")
                    .strip());
        } catch (RuntimeException e) {
            log.debug("No database size for the progress estimate: {}", e.toString());
            return -1;
        }
    }

    /**
     * The dump must still be there once its manifest is: another pgkeep removing this database's leftovers under its
     * own lock (possible only when two servers' databases of the same name share a repository, whose locks are not
     * shared) would otherwise leave a listed backup without data. Then the manifest goes again and the backup fails.
     */
    private void requireDumpStill(BackupManifest manifest, String dumpKey) {
        try {
            if (c.storage().stat(dumpKey).isPresent()) {
                return;
            }
            c.catalog().delete(manifest);
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot check the backup just stored in " + c.storage().describe() + ": " + e.getMessage(), e);
        }
        throw new PgkeepException("Backup " + manifest.id() + " of '" + manifest.database() + "' lost its dump while"
                + " its manifest was written: another pgkeep removed it as a leftover. Do databases of the same name on"
                + " two servers back up into " + c.storage().describe() + "? Give each server its own repository.");
    }

    /**
     * A new id no object of the database uses yet. Across databases the 48 random bits make a collision far less
     * likely than any other failure, and a lookup by id that finds one under two databases says so instead of guessing.
     */
    private BackupId newId(DatabaseConnection db, Instant started) {
        for (int attempt = 0; ; attempt++) {
            BackupId id = BackupId.generate(started);
            try {
                if (attempt >= 8
                        || c.storage()
                                .list(RepositoryLayout.backupPrefix(db.database(), id))
                                .isEmpty()) {
                    return id;
                }
            } catch (IOException e) {
                throw new PgkeepException(
                        "Cannot list the repository " + c.storage().describe() + ": " + e.getMessage(), e);
            }
        }
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
}
