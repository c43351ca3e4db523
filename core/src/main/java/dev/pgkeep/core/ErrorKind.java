package dev.pgkeep.core;

/**
 * What kind of failure an error is: the one taxonomy every front end maps in its own terms (the CLI to exit codes,
 * the starter to HTTP statuses) and that audit events and metrics carry as {@link #code()}. Never decided by reading
 * a message.
 */
public enum ErrorKind {
    /** The operation failed: pg_dump or pg_restore failed, storage unreachable, a timeout. */
    FAILED("failed"),
    /** The request cannot be carried out as given: a malformed id, a missing option, a database that exists. */
    BAD_INPUT("bad-input"),
    /** What the request names does not exist: an unknown backup id, no good backup of a database. */
    NOT_FOUND("not-found"),
    /** A safety guard refused the operation; nothing was changed. */
    REFUSED("refused"),
    /** An archive is corrupt, truncated or tampered with: a checksum, OpenPGP integrity or format check failed. */
    INTEGRITY("integrity"),
    /** Another run of the same database holds its lock. */
    IN_PROGRESS("in-progress");

    private final String code;

    ErrorKind(String code) {
        this.code = code;
    }

    /** The stable wire name, e.g. {@code bad-input}: audit events' {@code errorCode}, metric tags, problem types. */
    public String code() {
        return code;
    }
}
