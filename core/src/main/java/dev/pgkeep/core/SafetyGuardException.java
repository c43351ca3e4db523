package dev.pgkeep.core;

/** A restore safety guard refused the operation; nothing was changed. */
public class SafetyGuardException extends PgkeepException {
    public SafetyGuardException(String message) {
        super(ErrorKind.REFUSED, message, null);
    }
}
