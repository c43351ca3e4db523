package dev.pgkeep.spring.web;

import dev.pgkeep.spring.jobs.Job;
import dev.pgkeep.spring.jobs.JobProgress;
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
 * @param progress how far the job is (or got), once it reported progress
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
        @Nullable String heartbeatAt,
        @Nullable ProgressView progress) {

    /**
     * The last progress report: the phase ({@code dumping}, {@code restoring}...), bytes done in it and their expected
     * total ({@code -1} unknown; an estimate for a backup), whether the phase ended, and when it was reported.
     */
    public record ProgressView(
            String phase, long bytesDone, long bytesTotal, boolean estimate, boolean phaseDone, String at) {}

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
                text(job.heartbeatAt()),
                progress(job.progress()));
    }

    private static @Nullable ProgressView progress(@Nullable JobProgress p) {
        return p == null
                ? null
                : new ProgressView(p.phase(), p.bytesDone(), p.bytesTotal(), p.estimate(), p.phaseDone(), text(p.at()));
    }

    private static @Nullable String text(@Nullable Instant at) {
        return at == null ? null : at.toString();
    }
}
