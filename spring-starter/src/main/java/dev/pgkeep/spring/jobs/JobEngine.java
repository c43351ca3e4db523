package dev.pgkeep.spring.jobs;

import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where admin jobs run and where their state is kept: {@link PgkeepJobs} in this JVM only, or {@link ClusterJobs} on
 * a job engine every instance of the application shares.
 */
public interface JobEngine {

    /**
     * Tells the engine how to turn a {@link JobSpec} into work; an engine shared by several instances runs a job on
     * whichever instance picks it, so every instance binds the same worker before it starts.
     */
    void bind(Function<JobSpec, JobWork> worker);

    /**
     * Queues the job {@code spec} describes.
     *
     * @throws JobConflictException when a job with the same {@link JobSpec#exclusiveKey()} is queued or running
     * @throws JobsFullException when the engine takes no more jobs
     * @throws JobsShuttingDownException once shutdown has begun
     */
    Job submit(JobSpec spec);

    /**
     * Runs {@code work} on this instance (it needs something only this instance has: an uploaded file), with its
     * state kept like any other job's: polled on every instance when the engine is {@link #shared()}.
     *
     * @param spec what the job is, for its state and its exclusive key; its worker is not used
     * @param onDone runs on this instance after the job finished, whatever the outcome (e.g. deletes the upload)
     * @throws JobConflictException when a job with the same {@link JobSpec#exclusiveKey()} is queued or running
     * @throws JobsFullException when the engine takes no more jobs
     * @throws JobsShuttingDownException once shutdown has begun
     */
    Job submitHere(JobSpec spec, JobWork work, @Nullable Runnable onDone);

    /** The job, while it is queued or running and for the configured time after it finished. */
    Optional<Job> find(String id);

    /**
     * Fails like {@link #submit} would when a job with {@code exclusiveKey} is queued or running.
     *
     * @throws JobConflictException naming the job that holds the key
     */
    void requireFree(String type, @Nullable String database, String exclusiveKey);

    /** Whether jobs accepted here can be polled on every instance. */
    boolean shared();
}
