package dev.pgkeep.spring.web;

import dev.pgkeep.spring.jobs.Job;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job as {@code GET /jobs/{jobId}} shows it.
 *
 * @param status {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param result a {@link BackupView} (backup), {@link RestoreView} (restore) or {@link VerifyView} (verify)
 * @param error the problem the job failed with: {@code status}, {@code type}, {@code title}, {@code detail}
 * @param runningOn the instance that runs or ran the job (shared job engine only)
 * @param heartbeatAt when that instance last reported the running job alive (shared job engine only)
 */
public record JobView(
        String id,
        String type,
        @Nullable String database,
        String status,
        String submittedAt,
        @Nullable String startedAt,
        @Nullable String finishedAt,
        @Nullable Object result,
        Job.@Nullable JobError error,
        @Nullable String runningOn,
        @Nullable String heartbeatAt) {

    public static JobView of(Job job) {
        return new JobView(
                job.id(),
                job.type(),
                job.database(),
                job.status().wireName(),
                job.submittedAt().toString(),
                text(job.startedAt()),
                text(job.finishedAt()),
                job.result(),
                job.error(),
                job.runningOn(),
                text(job.heartbeatAt()));
    }

    private static @Nullable String text(@Nullable Instant at) {
        return at == null ? null : at.toString();
    }
}
