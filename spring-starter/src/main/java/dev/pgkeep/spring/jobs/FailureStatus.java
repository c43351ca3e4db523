package dev.pgkeep.spring.jobs;

import dev.pgkeep.core.BackupInProgressException;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.PgkeepException;

/**
 * How a failure maps to an HTTP status and an RFC 9457 title: bad input 400 (unknown backup 404), a safety guard's
 * refusal 409, a corrupt archive 422, a running backup 409, anything else 500.
 *
 * @param type the last segment of the problem type URI, e.g. {@code safety-guard}
 */
public record FailureStatus(int status, String type, String title) {

    public static FailureStatus of(Throwable failure) {
        if (failure instanceof BackupNotFoundException) {
            return new FailureStatus(404, "backup-not-found", "Backup not found");
        }
        if (failure instanceof BackupInProgressException) {
            return new FailureStatus(409, "backup-in-progress", "Backup already running");
        }
        if (failure instanceof JobConflictException) {
            return new FailureStatus(409, "backup-in-progress", "Backup already running");
        }
        if (failure instanceof PgkeepException p) {
            return switch (p.kind()) {
                case BAD_INPUT -> new FailureStatus(400, "bad-input", "Bad request");
                case REFUSED -> new FailureStatus(409, "safety-guard", "Refused by a safety guard");
                case INTEGRITY -> new FailureStatus(422, "integrity", "Archive failed its integrity check");
                case FAILED -> new FailureStatus(500, "operation-failed", "Operation failed");
            };
        }
        return new FailureStatus(500, "internal-error", "Internal error");
    }
}
