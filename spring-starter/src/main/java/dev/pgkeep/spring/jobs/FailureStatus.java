package dev.pgkeep.spring.jobs;

import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import org.jspecify.annotations.Nullable;

/**
 * How a failure maps to an HTTP status and an RFC 9457 title, from core's {@link ErrorKind}: bad input 400, not found
 * 404, a safety guard's refusal 409, a running backup 409, a corrupt archive 422, anything else 500. The detail is
 * core's message plus, when core names a remedy, the admin API's field that applies it.
 *
 * @param type the last segment of the problem type URI, e.g. {@code safety-guard}
 */
public record FailureStatus(int status, String type, String title) {

    public static FailureStatus of(Throwable failure) {
        if (failure instanceof JobConflictException) {
            return new FailureStatus(409, "backup-in-progress", "Backup already running");
        }
        if (failure instanceof PgkeepException p) {
            return switch (p.kind()) {
                case BAD_INPUT -> new FailureStatus(400, "bad-input", "Bad request");
                case NOT_FOUND -> new FailureStatus(404, "backup-not-found", "Backup not found");
                case REFUSED -> new FailureStatus(409, "safety-guard", "Refused by a safety guard");
                case IN_PROGRESS -> new FailureStatus(409, "backup-in-progress", "Backup already running");
                case INTEGRITY -> new FailureStatus(422, "integrity", "Archive failed its integrity check");
                case FAILED -> new FailureStatus(500, "operation-failed", "Operation failed");
            };
        }
        return new FailureStatus(500, "internal-error", "Internal error");
    }

    /**
     * What a caller is shown: {@link #detail} for pgkeep's own failures, and for anything else (an unexpected
     * exception, whose message may name temp paths, users and hosts) only a pointer to the application log. The
     * HTTP problems and the jobs' errors both use it.
     */
    public static String publicDetail(Throwable failure) {
        return of(failure).type().equals("internal-error")
                ? "Unexpected error; see the application log."
                : detail(failure);
    }

    /** The problem's detail: the message, with the admin API's way to act on core's remedy. */
    public static String detail(Throwable failure) {
        String message = failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getName();
        if (failure instanceof PgkeepException p && p.remedy() != null) {
            String hint = hint(p.remedy(), p.remedyArgument());
            return hint == null ? message : message + " " + hint;
        }
        return message;
    }

    private static @Nullable String hint(PgkeepException.Remedy remedy, @Nullable String argument) {
        return switch (remedy) {
            case FORCE -> "Send \"force\": true to restore over it.";
            case CONFIRM -> "Send \"confirm\": \"" + argument + "\".";
            case CREATE -> "Restore into a database that exists.";
            case DO_NOT_CREATE -> "Choose another target database.";
            case NAME_SOURCE -> "Name the backup by its id.";
            case NAME_BACKUP, LIST_BACKUPS -> "GET /backups lists the backups.";
            case DECRYPTION_KEY -> "Configure pgkeep.encryption's secret key to restore encrypted backups.";
            case TOOLS -> "Set pgkeep.tools.bin-dir to the tools' folders (several separated by ':').";
            case NAME_DATABASE, NAME_SCRATCH_SERVER -> null;
        };
    }
}
