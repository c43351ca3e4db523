package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * Asks to verify a stored backup: its checksum and {@code pg_restore --list}; with {@code restoreTest}, also a
 * restore into a scratch database on {@code scratchServer} whose row counts are compared with the manifest.
 *
 * @param scratchServer any database on the server to use for the restore test (pgkeep creates and drops its own
 *     scratch database there); required when {@code restoreTest}
 * @param progress hears how far the verification is ({@link ProgressListener#NONE} for nothing)
 */
public record VerifyRequest(
        RestoreSource source,
        boolean restoreTest,
        @Nullable DatabaseConnection scratchServer,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        ProgressListener progress) {

    /** A request without a progress listener. */
    public VerifyRequest(
            RestoreSource source,
            boolean restoreTest,
            @Nullable DatabaseConnection scratchServer,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress) {
        this(source, restoreTest, scratchServer, trigger, actor, clientAddress, ProgressListener.NONE);
    }

    public VerifyRequest {
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        if (source instanceof RestoreSource.LocalFile) {
            throw new BadInputException("verify checks stored backups, not files.")
                    .withRemedy(PgkeepException.Remedy.NAME_BACKUP, null);
        }
        if (restoreTest && scratchServer == null) {
            throw new BadInputException("A restore test needs a server to restore into.")
                    .withRemedy(PgkeepException.Remedy.NAME_SCRATCH_SERVER, null);
        }
    }

    public static VerifyRequest of(RestoreSource source, Trigger trigger) {
        return new VerifyRequest(source, false, null, trigger, null, null);
    }

    public static VerifyRequest withRestoreTest(
            RestoreSource source, DatabaseConnection scratchServer, Trigger trigger) {
        return new VerifyRequest(source, true, scratchServer, trigger, null, null);
    }

    /** The same request, reporting its progress (checksum, archive check, restore test) to {@code listener}. */
    public VerifyRequest withProgress(ProgressListener listener) {
        return new VerifyRequest(source, restoreTest, scratchServer, trigger, actor, clientAddress, listener);
    }
}
