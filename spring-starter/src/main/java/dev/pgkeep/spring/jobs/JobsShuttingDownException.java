package dev.pgkeep.spring.jobs;

/** The application is shutting down: no new job starts, so none is cut short by the shutdown. */
public class JobsShuttingDownException extends RuntimeException {
    public JobsShuttingDownException(String message) {
        super(message);
    }
}
