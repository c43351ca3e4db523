package dev.pgkeep.spring;

import org.jspecify.annotations.Nullable;

/**
 * pgkeep's configuration cannot work, so the application must not start: what is wrong ({@link #description()})
 * and what to do about it ({@link #action()}). Spring Boot prints both through pgkeep's failure analyzer as its
 * "APPLICATION FAILED TO START" report; the message is the two joined, for logs and for hosts without Boot's
 * reporting. An {@link IllegalStateException}, as pgkeep's start-up failures always were.
 */
public final class PgkeepStartupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String description;
    private final String action;

    public PgkeepStartupException(String description, String action) {
        this(description, action, null);
    }

    public PgkeepStartupException(String description, String action, @Nullable Throwable cause) {
        super(description + " " + action, cause);
        this.description = description;
        this.action = action;
    }

    /** What is wrong, naming the setting or the tool concerned. */
    public String description() {
        return description;
    }

    /** What to change so that the application starts. */
    public String action() {
        return action;
    }
}
