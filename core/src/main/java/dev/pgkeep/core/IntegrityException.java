package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/** A stored or supplied archive failed a checksum, an OpenPGP integrity check or a format check. */
public class IntegrityException extends PgkeepException {
    public IntegrityException(String message) {
        this(message, null);
    }

    public IntegrityException(String message, @Nullable Throwable cause) {
        super(ErrorKind.INTEGRITY, message, cause);
    }
}
