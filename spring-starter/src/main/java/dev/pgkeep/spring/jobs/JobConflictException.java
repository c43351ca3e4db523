package dev.pgkeep.spring.jobs;

/** A job that must not run twice (a backup of one database) is already queued or running in this instance. */
public class JobConflictException extends RuntimeException {
    private final String runningJobId;

    public JobConflictException(String message, String runningJobId) {
        super(message);
        this.runningJobId = runningJobId;
    }

    public String runningJobId() {
        return runningJobId;
    }
}
