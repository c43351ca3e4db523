package dev.pgkeep.spring.jobs;

/** The job queue is full; the caller should retry later. */
public class JobsFullException extends RuntimeException {
    public JobsFullException(String message) {
        super(message);
    }
}
