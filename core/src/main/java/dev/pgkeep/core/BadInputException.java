package dev.pgkeep.core;

import org.jspecify.annotations.Nullable;

/** The request cannot be carried out as given (unknown backup, invalid id, unusable option). */
public class BadInputException extends PgkeepException {
    public BadInputException(String message) {
        this(message, null);
    }

    public BadInputException(String message, @Nullable Throwable cause) {
        super(ErrorKind.BAD_INPUT, message, cause);
    }
}
