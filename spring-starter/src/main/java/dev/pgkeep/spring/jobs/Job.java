package dev.pgkeep.spring.jobs;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one job.
 *
 * @param type {@code backup}, {@code restore} or {@code verify}
 * @param database the database the job works on, when known
 * @param result what the operation returned, when it succeeded
 * @param error why it failed, when it failed; {@link FailureStatus} gives the HTTP status it maps to
 * @param runningOn the instance that runs or ran the job, when the engine is shared by several instances
 * @param heartbeatAt when that instance last said it is still running the job (shared engine only)
 * @param progress how far it is (or got): core's last progress report, once there was one
 */
public record Job(
        String id,
        String type,
        @Nullable String database,
        JobStatus status,
        Instant submittedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Object result,
        @Nullable JobError error,
        @Nullable String runningOn,
        @Nullable Instant heartbeatAt,
        @Nullable JobProgress progress) {

    /** Why a job failed: the mapped status and the failure's public detail ({@link FailureStatus#publicDetail}). */
    public record JobError(int status, String type, String title, String detail) {}
}
