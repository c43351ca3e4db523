package dev.pgkeep.spring.jobs;

import java.util.Locale;

/** Where a job is in its life. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    /** The lower-case name used in HTTP answers. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
