package dev.pgkeep.spring.web;

/** No job with that id (never existed, or forgotten after {@code pgkeep.jobs.keep-finished-for}). */
public class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String message) {
        super(message);
    }
}
