package dev.pgkeep.core;

import dev.pgkeep.core.spi.RestoreCheck;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Asks to verify a stored backup: its checksum and {@code pg_restore --list}; with {@code restoreTest}, also a
 * restore into a scratch database on {@code scratchServer} whose row counts are compared with the manifest.
 *
 * @param scratchServer any database on the server to use for the restore test (pgkeep creates and drops its own
 *     scratch database there); required when {@code restoreTest}
 * @param progress hears how far the verification is ({@link ProgressListener#NONE} for nothing)
 * @param checks the application's own checks, run on the restored scratch database (only with {@code restoreTest})
 */
public record VerifyRequest(
        RestoreSource source,
        boolean restoreTest,
        @Nullable DatabaseConnection scratchServer,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        ProgressListener progress,
        List<RestoreCheck> checks) {

    /** A request without application checks. */
    public VerifyRequest(
            RestoreSource source,
            boolean restoreTest,
            @Nullable DatabaseConnection scratchServer,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress,
            ProgressListener progress) {
        this(source, restoreTest, scratchServer, trigger, actor, clientAddress, progress, List.of());
    }

    /** A request without a progress listener. */
    public VerifyRequest(
            RestoreSource source,
            boolean restoreTest,
            @Nullable DatabaseConnection scratchServer,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String clientAddress) {
        this(source, restoreTest, scratchServer, trigger, actor, clientAddress, ProgressListener.NONE, List.of());
    }

    public VerifyRequest {
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        checks = List.copyOf(checks);
        if (!checks.isEmpty() && !restoreTest) {
            throw new BadInputException("Application checks run on a restored copy: they need a restore test.");
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
        return new VerifyRequest(source, restoreTest, scratchServer, trigger, actor, clientAddress, listener, checks);
    }

    /** The same request, running {@code newChecks} on the restored scratch database (a restore test). */
    public VerifyRequest withChecks(List<RestoreCheck> newChecks) {
        return new VerifyRequest(
                source, restoreTest, scratchServer, trigger, actor, clientAddress, progress, newChecks);
    }
}
