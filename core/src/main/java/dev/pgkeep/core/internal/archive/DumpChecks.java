package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.archive.ArchiveInspector.Verdict;
import dev.pgkeep.core.internal.postgres.PgRestoreCheck;
import dev.pgkeep.core.internal.postgres.PgTools;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches pg_dump's archive as it streams to storage and decides whether it may be stored. A backup fails only when
 * the archive is provably damaged: the inspector saw it cut, or pg_restore cannot read it. What the inspector does
 * not understand is the inspector's limitation, not the backup's: pg_restore then vouches for the archive, reading
 * every data block ({@code --file=/dev/null}) when the inspector gave up before it had read past the header (for
 * instance an archive version newer than it knows), else its table of contents ({@code --list}, which always runs).
 */
public final class DumpChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DumpChecks.class);

    private final PgTools tools;
    private final ArchiveInspector inspector = new ArchiveInspector();
    private final PgRestoreCheck list;
    private @Nullable PgRestoreCheck readAll;

    public DumpChecks(PgTools tools) {
        this.tools = tools;
        this.list = PgRestoreCheck.start(tools, PgRestoreCheck.LIST);
    }

    ArchiveInspector inspector() {
        return inspector;
    }

    /** Offers the next bytes of the archive to every check. */
    void update(byte[] data, int offset, int length) {
        inspector.update(data, offset, length);
        list.write(data, offset, length);
        PgRestoreCheck all = readAll;
        if (all != null) {
            all.write(data, offset, length);
        } else {
            startReadingAllIfInspectorGaveUp(); // the header it hands on includes these bytes
        }
    }

    /** The archive has ended. */
    void finish() {
        inspector.finish();
        if (readAll == null) {
            startReadingAllIfInspectorGaveUp();
        }
    }

    private void startReadingAllIfInspectorGaveUp() {
        byte[] header = inspector.takeUnparsedHeader();
        if (header != null) {
            PgRestoreCheck all = PgRestoreCheck.start(tools, PgRestoreCheck.READ_ALL);
            all.write(header, 0, header.length);
            readAll = all;
        }
    }

    /** The proof to record for the archive; throws when it must not be stored. */
    public BackupManifest.Proof prove(DatabaseConnection db, long dumpBytes) throws InterruptedException {
        String from = "pg_dump of " + db.describe();
        if (dumpBytes == 0) {
            throw new PgkeepException(from + " produced no output; nothing was stored.");
        }
        Verdict verdict = inspector.verdict();
        if (verdict == Verdict.DAMAGED) {
            throw new PgkeepException(from + " produced "
                    + (inspector.looksLikeArchive()
                            ? "a truncated archive (" + inspector.problem() + ")"
                            : "something that is not a custom-format archive")
                    + "; nothing was stored.");
        }
        PgRestoreCheck.Result listed = list.finish();
        PgRestoreCheck all = readAll;
        PgRestoreCheck.Result read = all == null ? null : all.finish();
        for (PgRestoreCheck.Result r : new PgRestoreCheck.Result[] {listed, read}) {
            if (r != null && r.ran() && !r.ok()) {
                throw new PgkeepException(from + " produced an archive that pg_restore cannot read (" + r.message()
                        + "); nothing was stored.");
            }
        }
        if (verdict == Verdict.COMPLETE) {
            if (!listed.ran()) {
                log.warn(
                        "pg_restore could not check the archive of {} ({}); pgkeep's inspector alone proved it",
                        db.database(),
                        listed.message());
            }
            return new BackupManifest.Proof(BackupManifest.Proof.INSPECTOR, null);
        }
        PgRestoreCheck.Result vouching = read != null && read.ran() ? read : listed;
        if (!vouching.ran()) {
            throw new PgkeepException(from + " produced an archive that pgkeep's inspector cannot read ("
                    + inspector.problem() + "), and pg_restore, which would prove it, " + vouching.message()
                    + ". Install pg_restore beside pg_dump; nothing was stored.");
        }
        String method = vouching == read ? BackupManifest.Proof.PG_RESTORE_READ : BackupManifest.Proof.PG_RESTORE_LIST;
        log.warn(
                "pgkeep's archive inspector could not read the archive of {} ({}); {} proved it, so it is stored,"
                        + " without row counts in the manifest",
                db.database(),
                inspector.problem(),
                method);
        return new BackupManifest.Proof(method, "archive inspector: " + inspector.problem());
    }

    @Override
    public void close() {
        list.close();
        PgRestoreCheck all = readAll;
        if (all != null) {
            all.close();
        }
    }
}
