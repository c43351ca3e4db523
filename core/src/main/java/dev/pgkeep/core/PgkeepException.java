package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error pgkeep reports. The message says what failed in core's terms and what to do next; it never
 * holds a password. {@link #kind()} says what kind of failure it is; each front end maps that in its own terms.
 */
public class PgkeepException extends RuntimeException {

    private final ErrorKind kind;
    private @Nullable Remedy remedy;
    private @Nullable String remedyArgument;

    /**
     * What the caller can do about an error, for each front end to say in its own terms (an option, a JSON field):
     * core's messages state the problem in core's terms only.
     */
    public enum Remedy {
        /** Allow restoring over a database that holds tables. */
        FORCE,
        /** Confirm the target database by name ({@link #remedyArgument()}), as production restores require. */
        CONFIRM,
        /** Ask for the target database to be created. */
        CREATE,
        /** Restore into the existing database instead of creating it, or choose a new name. */
        DO_NOT_CREATE,
        /** Say which database's backups are meant. */
        NAME_SOURCE,
        /** Name a stored backup: an id, or the latest. */
        NAME_BACKUP,
        /** Look up the backups the repository holds. */
        LIST_BACKUPS,
        /** Give the database to back up. */
        NAME_DATABASE,
        /** Give a server to restore a test copy into. */
        NAME_SCRATCH_SERVER,
        /** Give the secret key (and its passphrase) that decrypts the backup. */
        DECRYPTION_KEY,
        /** Install the PostgreSQL client tools named in the message, or say where they are. */
        TOOLS
    }

    public PgkeepException(String message) {
        this(ErrorKind.FAILED, message, null);
    }

    public PgkeepException(String message, @Nullable Throwable cause) {
        this(ErrorKind.FAILED, message, cause);
    }

    public PgkeepException(ErrorKind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Says what the caller can do about this error (with {@code argument}, e.g. a database name); returns this. */
    public PgkeepException withRemedy(Remedy value, @Nullable String argument) {
        this.remedy = value;
        this.remedyArgument = argument;
        return this;
    }

    /** What the caller can do about this error; {@code null} when nothing in particular. */
    public @Nullable Remedy remedy() {
        return remedy;
    }

    /** The remedy's argument, e.g. the database to name in a confirmation; {@code null} when it needs none. */
    public @Nullable String remedyArgument() {
        return remedyArgument;
    }

    /** What kind of failure this is; front ends map it (exit codes, HTTP statuses). */
    public ErrorKind kind() {
        return kind;
    }
}
