package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error pgkeep reports. The message says what failed and what to do next; it never
 * holds a password. {@link #kind()} maps the error to the CLI's exit codes and the HTTP status.
 */
public class PgkeepException extends RuntimeException {

    /** What kind of failure this is; the CLI exits with {@link #exitCode()}. */
    public enum Kind {
        /** The operation failed (pg_dump failed, storage unreachable...). */
        FAILED(1),
        /** The caller asked for something that cannot be done as asked (bad id, unknown backup). */
        BAD_INPUT(2),
        /** A safety guard refused the operation (non-empty target without force, production). */
        REFUSED(3),
        /** The archive is corrupt, truncated or tampered with. */
        INTEGRITY(4);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public PgkeepException(String message) {
        this(Kind.FAILED, message, null);
    }

    public PgkeepException(String message, @Nullable Throwable cause) {
        this(Kind.FAILED, message, cause);
    }

    public PgkeepException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
