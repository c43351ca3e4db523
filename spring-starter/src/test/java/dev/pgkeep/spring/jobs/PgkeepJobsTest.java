package dev.pgkeep.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.IntegrityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class PgkeepJobsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T02:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private Job awaitFinished(PgkeepJobs jobs, String id) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> jobs.find(id).orElseThrow(), j -> j.status().finished());
    }

    @Test
    void anUnexpectedFailuresMessageStaysInTheLogAsInTheHttpProblemsAndPgkeepsOwnAreShown() {
        try (PgkeepJobs jobs = new PgkeepJobs(1, 4, Duration.ofMinutes(10), clock)) {
            Job raw = jobs.submit(
                    "restore",
                    "shop",
                    null,
                    () -> {
                        throw new java.io.UncheckedIOException(
                                "cannot write /tmp/pgkeep-upload-42.archive for alice@db.internal:5432",
                                new java.io.IOException("No space left on device"));
                    },
                    null);
            Job.JobError error = awaitFinished(jobs, raw.id()).error();
            assertThat(error.status()).isEqualTo(500);
            assertThat(error.type()).isEqualTo("internal-error");
            assertThat(error.detail())
                    .isEqualTo("Unexpected error; see the application log.")
                    .isEqualTo(FailureStatus.publicDetail(new IllegalStateException("/tmp/x alice@host")));
            Job guarded = jobs.submit(
                    "restore",
                    "shop",
                    null,
                    () -> {
                        throw new dev.pgkeep.core.SafetyGuardException("Database 'shop' holds 3 user table(s).")
                                .withRemedy(dev.pgkeep.core.PgkeepException.Remedy.FORCE, "shop");
                    },
                    null);
            assertThat(awaitFinished(jobs, guarded.id()).error().detail())
                    .isEqualTo("Database 'shop' holds 3 user table(s). Send \"force\": true to restore over it.");
        }
    }

    @Test
    void keepsResultsAndErrorsForTheConfiguredTimeThenForgetsThem() {
        try (PgkeepJobs jobs = new PgkeepJobs(1, 4, Duration.ofMinutes(10), clock)) {
            Job ok = jobs.submit("backup", "shop", null, () -> "done", null);
            Job bad = jobs.submit(
                    "restore",
                    "shop",
                    null,
                    () -> {
                        throw new IntegrityException("checksum mismatch");
                    },
                    null);
            assertThat(awaitFinished(jobs, ok.id()).result()).isEqualTo("done");
            Job failed = awaitFinished(jobs, bad.id());
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error().status()).isEqualTo(422);
            assertThat(failed.error().detail()).isEqualTo("checksum mismatch");

            now.set(now.get().plus(Duration.ofMinutes(9)));
            assertThat(jobs.find(ok.id())).isPresent();
            now.set(now.get().plus(Duration.ofMinutes(2)));
            assertThat(jobs.find(ok.id())).isEmpty();
            assertThat(jobs.find(bad.id())).isEmpty();
        }
    }

    @Test
    void refusesASecondJobWithTheSameKeyAndMoreThanTheQueueHolds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (PgkeepJobs jobs = new PgkeepJobs(1, 1, Duration.ofMinutes(10), clock)) {
            Job running = jobs.submit(
                    "backup",
                    "shop",
                    "backup:shop",
                    () -> {
                        started.countDown();
                        return release.await(10, TimeUnit.SECONDS);
                    },
                    null);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> jobs.submit("backup", "shop", "backup:shop", () -> true, null))
                    .isInstanceOf(JobConflictException.class)
                    .satisfies(e -> assertThat(((JobConflictException) e).runningJobId())
                            .isEqualTo(running.id()));

            Job queued = jobs.submit("backup", "other", "backup:other", () -> true, null);
            assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
            CountDownLatch cleaned = new CountDownLatch(1);
            assertThatThrownBy(() -> jobs.submit("verify", "shop", null, () -> true, cleaned::countDown))
                    .isInstanceOf(JobsFullException.class);

            release.countDown();
            assertThat(awaitFinished(jobs, running.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(awaitFinished(jobs, queued.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
            // the key is free again once the first job finished
            Job again = jobs.submit("backup", "shop", "backup:shop", () -> true, null);
            assertThat(awaitFinished(jobs, again.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        }
    }
}
