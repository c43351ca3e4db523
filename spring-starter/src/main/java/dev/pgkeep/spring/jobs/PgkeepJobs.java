package dev.pgkeep.spring.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs long operations on a bounded executor and keeps each job's status and result for polling. Jobs that share an
 * exclusive key (a backup of one database) never run twice at once: the second submission fails with
 * {@link JobConflictException}. Finished jobs are forgotten after {@code keepFinishedFor}.
 *
 * <p>Shutdown never cuts a job short unless told to: {@link #beginShutdown()} refuses new jobs
 * ({@link JobsShuttingDownException}) and fails the queued ones before they start, and {@link #awaitRunningJobs()}
 * waits for the running ones, without limit or for {@code shutdownTimeout}; only then does {@link #close()} interrupt
 * what still runs.
 *
 * <p>Single-instance: a job's state lives in this JVM only, so it can be polled only on the instance that accepted it,
 * and is lost with it. With a JDBC {@code DataSource} the starter uses {@link ClusterJobs} instead.
 */
public final class PgkeepJobs implements JobEngine, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgkeepJobs.class);

    private final ThreadPoolExecutor executor;
    private final Duration keepFinishedFor;
    private final Clock clock;
    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
    private final @Nullable Duration shutdownTimeout;
    private volatile boolean shuttingDown;

    /** Jobs whose shutdown waits for running jobs without limit. */
    public PgkeepJobs(int threads, int queueCapacity, Duration keepFinishedFor, Clock clock) {
        this(threads, queueCapacity, keepFinishedFor, clock, null);
    }

    /**
     * @param shutdownTimeout how long shutdown waits for running jobs before interrupting them; {@code null} waits
     *     until they finish
     */
    public PgkeepJobs(
            int threads, int queueCapacity, Duration keepFinishedFor, Clock clock, @Nullable Duration shutdownTimeout) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("pgkeep.jobs.threads and pgkeep.jobs.queue-capacity must be at least 1");
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "pgkeep-job-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
        this.keepFinishedFor = keepFinishedFor;
        this.clock = clock;
        this.shutdownTimeout = shutdownTimeout;
    }

    private volatile @Nullable Function<JobSpec, JobWork> worker;

    @Override
    public void bind(Function<JobSpec, JobWork> worker) {
        this.worker = worker;
    }

    @Override
    public Job submit(JobSpec spec) {
        Function<JobSpec, JobWork> w = worker;
        if (w == null) {
            throw new IllegalStateException("No worker bound: call bind(...) before submitting jobs");
        }
        return submit(spec.type(), spec.database(), spec.exclusiveKey(), w.apply(spec), null);
    }

    @Override
    public Job submitHere(JobSpec spec, JobWork work, @Nullable Runnable onDone) {
        return submit(spec.type(), spec.database(), spec.exclusiveKey(), work, onDone);
    }

    @Override
    public boolean shared() {
        return false;
    }

    /**
     * Queues {@code work}.
     *
     * @param exclusiveKey jobs with the same key never overlap; {@code null} for none
     * @param onDone runs after the job finished, whatever the outcome (e.g. deletes an uploaded file)
     * @throws JobConflictException when a job with the same key is queued or running
     * @throws JobsFullException when the queue is full
     * @throws JobsShuttingDownException once shutdown has begun
     */
    public Job submit(
            String type,
            @Nullable String database,
            @Nullable String exclusiveKey,
            Callable<?> work,
            @Nullable Runnable onDone) {
        return submit(type, database, exclusiveKey, progress -> work.call(), onDone);
    }

    /** {@link #submit(String, String, String, Callable, Runnable)} for work that reports its progress. */
    public synchronized Job submit(
            String type,
            @Nullable String database,
            @Nullable String exclusiveKey,
            JobWork work,
            @Nullable Runnable onDone) {
        if (shuttingDown) {
            throw new JobsShuttingDownException("pgkeep is shutting down with the application, so no new " + type
                    + " job starts (it could be cut short); submit it again once the application is back.");
        }
        forgetExpired();
        if (exclusiveKey != null) {
            requireFree(type, database, exclusiveKey);
        }
        Entry entry = new Entry(UUID.randomUUID().toString(), type, database, exclusiveKey, clock.instant());
        jobs.put(entry.id, entry);
        try {
            executor.execute(() -> run(entry, work, onDone));
        } catch (RejectedExecutionException e) {
            jobs.remove(entry.id);
            throw new JobsFullException("pgkeep's job queue is full ("
                    + executor.getQueue().size() + " jobs waiting); retry later or raise pgkeep.jobs.queue-capacity.");
        }
        return entry.snapshot();
    }

    /**
     * Fails like {@link #submit} would when a job with {@code exclusiveKey} is queued or running: lets a caller refuse
     * before it does expensive work (receiving an upload) for a job that could not start.
     *
     * @throws JobConflictException naming the job that holds the key
     */
    @Override
    public synchronized void requireFree(String type, @Nullable String database, String exclusiveKey) {
        for (Entry e : jobs.values()) {
            if (exclusiveKey.equals(e.exclusiveKey) && !e.status.finished()) {
                throw new JobConflictException(
                        "A " + type + " of database '" + database + "' is already " + e.status.wireName() + " as job "
                                + e.id + "; poll that job instead of starting a second one.",
                        e.id);
            }
        }
    }

    @Override
    public Optional<Job> find(String id) {
        forgetExpired();
        Entry e = jobs.get(id);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    private void run(Entry entry, JobWork work, @Nullable Runnable onDone) {
        if (shuttingDown) {
            entry.error = new Job.JobError(
                    503,
                    "shutting-down",
                    "Shutting down",
                    "The application shut down before this job's turn, so it never started; submit it again once"
                            + " the application is back.");
            entry.finishedAt = clock.instant();
            entry.status = JobStatus.FAILED;
            if (onDone != null) {
                onDone.run();
            }
            return;
        }
        entry.startedAt = clock.instant();
        entry.status = JobStatus.RUNNING;
        try {
            Object result = work.call(p -> entry.progress = JobProgress.of(p, clock.instant()));
            entry.result = result;
            entry.finishedAt = clock.instant();
            entry.status = JobStatus.SUCCEEDED;
        } catch (Exception | Error failure) {
            FailureStatus mapped = FailureStatus.of(failure);
            if (mapped.status() >= 500) {
                log.warn("pgkeep {} job {} failed", entry.type, entry.id, failure);
            }
            String detail = FailureStatus.publicDetail(failure);
            entry.error = new Job.JobError(mapped.status(), mapped.type(), mapped.title(), detail);
            entry.finishedAt = clock.instant();
            entry.status = JobStatus.FAILED;
        } finally {
            if (onDone != null) {
                onDone.run();
            }
        }
    }

    private void forgetExpired() {
        Instant limit = clock.instant().minus(keepFinishedFor);
        jobs.values().removeIf(e -> e.status.finished() && e.finishedAt != null && e.finishedAt.isBefore(limit));
    }

    /** Refuses new jobs from now on; queued jobs fail without starting. Running jobs carry on. */
    public synchronized void beginShutdown() {
        if (!shuttingDown) {
            shuttingDown = true;
            executor.shutdown();
        }
    }

    /** Whether {@link #beginShutdown()} was called. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * After {@link #beginShutdown()}: waits until the running jobs finished, or {@code shutdownTimeout} passed.
     *
     * @return whether every job finished
     */
    public boolean awaitRunningJobs() {
        beginShutdown();
        List<String> running = running();
        if (!running.isEmpty()) {
            log.info(
                    "Waiting for pgkeep's running jobs to finish before shutting down ({}){}",
                    String.join(", ", running),
                    shutdownTimeout == null ? "" : ", at most " + shutdownTimeout);
        }
        try {
            boolean done = shutdownTimeout == null
                    ? executor.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS)
                    : executor.awaitTermination(shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!done) {
                log.warn(
                        "pgkeep's jobs {} did not finish within pgkeep.jobs.shutdown-timeout ({}); they are"
                                + " interrupted, and a restore among them leaves its target half-restored",
                        running(),
                        shutdownTimeout);
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<String> running() {
        return jobs.values().stream()
                .filter(e -> e.status == JobStatus.RUNNING)
                .map(e -> e.type + " of " + e.database + " (job " + e.id + ")")
                .toList();
    }

    /** {@link #awaitRunningJobs()}, then interrupts whatever still runs. */
    @Override
    public void close() {
        if (!awaitRunningJobs()) {
            executor.shutdownNow();
        }
    }

    private static final class Entry {
        final String id;
        final String type;
        final @Nullable String database;
        final @Nullable String exclusiveKey;
        final Instant submittedAt;
        volatile JobStatus status = JobStatus.QUEUED;
        volatile @Nullable Instant startedAt;
        volatile @Nullable Instant finishedAt;
        volatile @Nullable Object result;
        volatile Job.@Nullable JobError error;
        volatile @Nullable JobProgress progress;

        Entry(String id, String type, @Nullable String database, @Nullable String exclusiveKey, Instant submittedAt) {
            this.id = id;
            this.type = type;
            this.database = database;
            this.exclusiveKey = exclusiveKey;
            this.submittedAt = submittedAt;
        }

        // status is written last by the worker, so a snapshot that sees a finished status sees its result too
        Job snapshot() {
            JobStatus s = status;
            return new Job(
                    id, type, database, s, submittedAt, startedAt, finishedAt, result, error, null, null, progress);
        }
    }
}
