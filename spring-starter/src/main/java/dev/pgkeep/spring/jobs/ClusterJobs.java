package dev.pgkeep.spring.jobs;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.ScheduledExecutionsFilter;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.pgkeep.core.Progress;
import dev.pgkeep.core.ProgressListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin jobs on <a href="https://github.com/kagkarlsson/db-scheduler">db-scheduler</a>, in the host's own database,
 * shared by every instance of the application: a job accepted by one instance is picked by whichever instance has a
 * free thread (the accepting one at once, the others within a polling interval), its state can be polled on every
 * instance, and the instance that runs it sends heartbeats. A job whose instance stops sending them (killed, lost its
 * network) is declared dead by another instance after {@code heartbeatInterval * missedHeartbeats} and ends as
 * {@code failed} with the type {@code instance-lost}; it is not run again (a half-done restore must be looked at by a
 * person, not repeated blindly).
 *
 * <p>Each job is one row of db-scheduler's own table ({@code SCHEMA.scheduled_tasks}); the row's data is the job's
 * {@link JobState} (JSON). A finished job is not deleted but rescheduled, with its outcome as its data, for {@code
 * keepFinishedFor}: when that comes, an instance picks it and removes it. So no table of pgkeep's own is needed.
 *
 * <p>A job that can run only on the instance that accepted it (the restore of an archive uploaded to it, which is on
 * that instance's disk: {@link #submitHere}) is written to the same table already picked by this instance, which runs
 * it and sends its heartbeats itself; db-scheduler on the other instances never picks it, but reports it and declares
 * it lost like any other job when those heartbeats stop. Jobs with an {@link JobSpec#exclusiveKey()} are checked and
 * written under a PostgreSQL advisory lock of that key, so two instances never both accept one.
 */
public final class ClusterJobs implements JobEngine, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterJobs.class);
    static final String TASK = "pgkeep-job";

    /**
     * How the engine runs.
     *
     * @param schema the schema of db-scheduler's table
     * @param instanceName this instance's name in the table ({@code picked_by})
     * @param threads jobs that run at the same time on this instance
     * @param pollingInterval how often this instance looks for jobs other instances accepted
     * @param heartbeatInterval how often this instance updates the heartbeat of the jobs it runs
     * @param missedHeartbeats heartbeats an instance may miss before its jobs are declared lost
     * @param keepFinishedFor how long a finished job can still be polled
     * @param shutdownTimeout how long shutdown waits for running jobs
     */
    public record Settings(
            String schema,
            String instanceName,
            int threads,
            Duration pollingInterval,
            Duration heartbeatInterval,
            int missedHeartbeats,
            Duration keepFinishedFor,
            Duration shutdownTimeout) {}

    private final DataSource dataSource;
    private final Settings settings;
    private final String table;
    private final Clock clock;
    private final Scheduler scheduler;
    private final CustomTask<JobState> task;
    private final JsonSerializer serializer;
    private final ExecutorService here;
    private final ScheduledExecutorService heartbeats;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private volatile @Nullable Function<JobSpec, JobWork> worker;
    private volatile boolean shuttingDown;

    public ClusterJobs(DataSource dataSource, Settings settings, JsonMapper json, Clock clock) {
        if (settings.threads() < 1) {
            throw new IllegalArgumentException("pgkeep.jobs.threads must be at least 1");
        }
        this.dataSource = dataSource;
        this.settings = settings;
        this.table = quote(settings.schema()) + ".scheduled_tasks";
        this.clock = clock;
        this.serializer = new JsonSerializer(json);
        AtomicInteger n = new AtomicInteger();
        // jobs bound to this instance: uploads, whose number pgkeep.admin.max-concurrent-uploads bounds already
        this.here = Executors.newCachedThreadPool(r -> daemon(r, "pgkeep-job-here-" + n.incrementAndGet()));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pgkeep-job-here-heartbeat"));
        CustomTask<JobState> task = Tasks.custom(TASK, JobState.class)
                .onDeadExecution(this::instanceLost)
                .onFailure(this::failedToComplete)
                .execute(this::execute);
        this.scheduler = Scheduler.create(dataSource, task)
                .tableName(table)
                .schedulerName(new SchedulerName.Fixed(settings.instanceName()))
                .threads(settings.threads())
                .pollingInterval(settings.pollingInterval())
                .heartbeatInterval(settings.heartbeatInterval())
                .missedHeartbeatsLimit(settings.missedHeartbeats())
                .shutdownMaxWait(settings.shutdownTimeout())
                .serializer(serializer)
                .enableImmediateExecution()
                .build();
        this.task = task;
    }

    /**
     * Creates the schema and db-scheduler's table in it unless they exist; safe when several instances start at once.
     * The statements are db-scheduler's documented PostgreSQL schema.
     */
    public static void createTables(DataSource dataSource, String schema) {
        String s = quote(schema);
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // one instance at a time: CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE
                st.execute("SELECT pg_advisory_xact_lock(hashtext('pgkeep.jobs.ddl'))");
                st.execute("CREATE SCHEMA IF NOT EXISTS " + s);
                st.execute("CREATE TABLE IF NOT EXISTS " + s + ".scheduled_tasks ("
                        + " task_name TEXT NOT NULL,"
                        + " task_instance TEXT NOT NULL,"
                        + " task_data BYTEA,"
                        + " execution_time TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " picked BOOLEAN NOT NULL,"
                        + " picked_by TEXT,"
                        + " last_success TIMESTAMP WITH TIME ZONE,"
                        + " last_failure TIMESTAMP WITH TIME ZONE,"
                        + " consecutive_failures INT,"
                        + " last_heartbeat TIMESTAMP WITH TIME ZONE,"
                        + " version BIGINT NOT NULL,"
                        + " priority SMALLINT,"
                        + " PRIMARY KEY (task_name, task_instance))");
                st.execute(
                        "CREATE INDEX IF NOT EXISTS execution_time_idx ON " + s + ".scheduled_tasks (execution_time)");
                st.execute(
                        "CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON " + s + ".scheduled_tasks (last_heartbeat)");
                st.execute("CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON " + s
                        + ".scheduled_tasks (priority DESC, execution_time ASC)");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot create pgkeep's job tables in schema " + schema + ": "
                            + e.getMessage()
                            + ". The database user needs CREATE on the database (or create the schema and"
                            + " table yourself, see docs/spring-boot.md), or set pgkeep.jobs.engine=memory.",
                    e);
        }
    }

    @Override
    public void bind(Function<JobSpec, JobWork> worker) {
        this.worker = worker;
    }

    /** Starts picking jobs; call once every worker is bound. */
    public void start() {
        scheduler.start();
        long every = settings.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        log.info(
                "pgkeep jobs run on db-scheduler in {} as instance {} (heartbeat {}, lost after {} missed)",
                table,
                settings.instanceName(),
                settings.heartbeatInterval(),
                settings.missedHeartbeats());
    }

    /** Refuses new jobs from now on. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** Stops picking jobs and waits for the running ones at most {@code shutdownTimeout}. */
    @Override
    public void close() {
        shuttingDown = true;
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        scheduler.stop();
        here.shutdown();
        try {
            // their heartbeats go on while shutdown waits for them
            if (!here.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                log.warn(
                        "pgkeep's jobs {} did not finish within pgkeep.jobs.shutdown-timeout ({}); they are"
                                + " interrupted, and other instances will report them as instance-lost",
                        live.keySet(),
                        settings.shutdownTimeout());
                here.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            here.shutdownNow();
        } finally {
            heartbeats.shutdownNow();
        }
    }

    @Override
    public Job submit(JobSpec spec) {
        requireAccepting(spec);
        return exclusively(spec, () -> {
            String id = UUID.randomUUID().toString();
            JobState state = JobState.queued(spec, clock.instant());
            scheduler.schedule(task.instance(id, state), clock.instant());
            return state.toJob(id, JobStatus.QUEUED, null, null);
        });
    }

    /**
     * Runs {@code work} on this instance, at once, with its state in the shared table: every instance reports it, and
     * when this instance dies the others fail it as {@code instance-lost} within the same bound as other jobs.
     */
    @Override
    public Job submitHere(JobSpec spec, JobWork work, @Nullable Runnable onDone) {
        requireAccepting(spec);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        JobState state = JobState.queued(spec, now).started(now, settings.instanceName());
        exclusively(spec, () -> {
            insertPickedHere(id, state, now);
            return null;
        });
        Live job = new Live(id, 1, true, state);
        live.put(id, job); // heartbeats from now on
        try {
            here.execute(() -> runHere(job, work, onDone));
        } catch (RuntimeException e) {
            live.remove(id);
            finishHere(id, state.failed(now, clock.instant(), failure(e), settings.instanceName()));
            throw new JobsShuttingDownException("pgkeep is shutting down with this instance, so it runs no new "
                    + spec.type() + " job; submit it again once this instance is back.");
        }
        return state.toJob(id, JobStatus.RUNNING, settings.instanceName(), now);
    }

    private void requireAccepting(JobSpec spec) {
        if (shuttingDown) {
            throw new JobsShuttingDownException("pgkeep is shutting down with this instance, so it accepts no new "
                    + spec.type() + " job; submit it to another instance or again once this one is back.");
        }
    }

    /**
     * {@code accept} after {@link #requireFree}, both under a transaction-scoped advisory lock of the spec's exclusive
     * key, so that two instances asked at once do not both see the key free.
     */
    private <T> T exclusively(JobSpec spec, Supplier<T> accept) {
        String key = spec.exclusiveKey();
        if (key == null) {
            return accept.get();
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "pgkeep.jobs:" + key);
                lock.execute();
                requireFree(spec.type(), spec.database(), key);
                // written (and committed) on another connection before this transaction releases the lock
                return accept.get();
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot lock pgkeep's job table for " + key + ": " + e.getMessage(), e);
        }
    }

    private void insertPickedHere(String id, JobState state, Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("INSERT INTO " + table
                        + " (task_name, task_instance, task_data, execution_time, picked, picked_by, last_heartbeat,"
                        + " version, priority) VALUES (?, ?, ?, ?, true, ?, ?, 1, 0)")) {
            st.setString(1, TASK);
            st.setString(2, id);
            st.setBytes(3, serializer.serialize(state));
            st.setTimestamp(4, Timestamp.from(now));
            st.setString(5, settings.instanceName());
            st.setTimestamp(6, Timestamp.from(now));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot store pgkeep's " + state.spec().type() + " job: " + e.getMessage(), e);
        }
    }

    private void runHere(Live job, JobWork work, @Nullable Runnable onDone) {
        JobState done;
        try {
            done = run(job, work);
        } finally {
            try {
                if (onDone != null) {
                    onDone.run();
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Cleaning up after pgkeep {} job {} failed",
                        job.state.spec().type(),
                        job.id,
                        e);
            }
        }
        finishHere(job.id, done);
    }

    /** Runs {@code work} as {@code job}, which hears its progress, and returns the job's outcome. */
    private JobState run(Live job, JobWork work) {
        live.put(job.id, job);
        try {
            Object result = work.call(job);
            return job.current().succeeded(clock.instant(), result, settings.instanceName());
        } catch (Exception | Error failure) {
            logFailure(job.state, job.id, failure);
            return job.current()
                    .failed(job.state.startedAt(), clock.instant(), failure(failure), settings.instanceName());
        } finally {
            live.remove(job.id);
        }
    }

    /**
     * A job running on this instance: the version of its row (which db-scheduler's completion expects unchanged),
     * whether this instance sends its heartbeats ({@link #submitHere}), and its latest progress.
     */
    private final class Live implements ProgressListener {
        final String id;
        final long version;
        final boolean here;
        final JobState state;
        volatile @Nullable JobProgress progress;
        volatile boolean unwritten;

        Live(String id, long version, boolean here, JobState state) {
            this.id = id;
            this.version = version;
            this.here = here;
            this.state = state;
        }

        @Override
        public void onProgress(Progress p) {
            progress = JobProgress.of(p, clock.instant());
            unwritten = true;
        }

        JobState current() {
            JobProgress p = progress;
            return p == null ? state : state.withProgress(p);
        }
    }

    /** What db-scheduler's reschedule does: unpicked, with the outcome as data, kept for polling. */
    private void finishHere(String id, JobState outcome) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("UPDATE " + table
                        + " SET task_data = ?, picked = false, picked_by = NULL, last_heartbeat = NULL,"
                        + " execution_time = ?, "
                        + (outcome.status() == JobStatus.SUCCEEDED ? "last_success" : "last_failure")
                        + " = ?, version = version + 1 WHERE task_name = ? AND task_instance = ? AND version = 1")) {
            st.setBytes(1, serializer.serialize(outcome));
            st.setTimestamp(2, Timestamp.from(now.plus(settings.keepFinishedFor())));
            st.setTimestamp(3, Timestamp.from(now));
            st.setString(4, TASK);
            st.setString(5, id);
            if (st.executeUpdate() == 0) {
                log.warn(
                        "pgkeep {} job {} ended as {} on this instance, but another instance had declared it lost"
                                + " meanwhile (no heartbeat for too long); the job stays reported as failed",
                        outcome.spec().type(),
                        id,
                        outcome.status().wireName());
            }
        } catch (SQLException e) {
            log.warn(
                    "Cannot store the outcome of pgkeep {} job {}",
                    outcome.spec().type(),
                    id,
                    e);
        }
    }

    /**
     * Every heartbeat interval: the heartbeats db-scheduler sends for the jobs it picked, for the jobs bound to this
     * instance; and the latest progress of every job running here, written to its row for every instance to show.
     */
    private void tick() {
        if (live.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (Live job : live.values()) {
                if (job.here) {
                    try (PreparedStatement st = c.prepareStatement("UPDATE " + table
                            + " SET last_heartbeat = ? WHERE task_name = ? AND task_instance = ? AND version = ?"
                            + " AND picked")) {
                        st.setTimestamp(1, Timestamp.from(clock.instant()));
                        st.setString(2, TASK);
                        st.setString(3, job.id);
                        st.setLong(4, job.version);
                        st.executeUpdate();
                    }
                }
                if (job.unwritten) {
                    job.unwritten = false;
                    writeRunning(c, job.id, job.version, job.current());
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Cannot send the heartbeat or progress of pgkeep's jobs {}", live.keySet(), e);
        }
    }

    /**
     * Writes {@code running} as the data of a row this instance picked, leaving its version as it is (db-scheduler's
     * completion expects it unchanged).
     */
    private void writeRunning(Connection c, String id, long version, JobState running) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE " + table
                + " SET task_data = ? WHERE task_name = ? AND task_instance = ? AND version = ? AND picked")) {
            st.setBytes(1, serializer.serialize(running));
            st.setString(2, TASK);
            st.setString(3, id);
            st.setLong(4, version);
            st.executeUpdate();
        }
    }

    @Override
    public Optional<Job> find(String id) {
        Optional<ScheduledExecution<Object>> found = scheduler.getScheduledExecution(TaskInstanceId.of(TASK, id));
        if (found.isEmpty() || !(found.get().getData() instanceof JobState state)) {
            return Optional.empty();
        }
        ScheduledExecution<Object> execution = found.get();
        if (state.status().finished()) {
            return Optional.of(state.toJob(id, state.status(), state.runningOn(), null));
        }
        JobStatus status = execution.isPicked() ? JobStatus.RUNNING : JobStatus.QUEUED;
        return Optional.of(
                state.toJob(id, status, execution.getPickedBy(), execution.isPicked() ? heartbeat(id) : null));
    }

    @Override
    public void requireFree(String type, @Nullable String database, String exclusiveKey) {
        for (ScheduledExecution<JobState> e :
                scheduler.getScheduledExecutionsForTask(TASK, JobState.class, ScheduledExecutionsFilter.all())) {
            JobState s = e.getData();
            if (s != null
                    && exclusiveKey.equals(s.spec().exclusiveKey())
                    && !s.status().finished()) {
                String id = e.getTaskInstance().getId();
                throw new JobConflictException(
                        "A " + type + " of database '" + database + "' is already "
                                + (e.isPicked() ? "running on " + e.getPickedBy() : "queued") + " as job " + id
                                + "; poll that job instead of starting a second one.",
                        id);
            }
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    private @Nullable Instant heartbeat(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT last_heartbeat FROM " + table + " WHERE task_name = ? AND task_instance = ?")) {
            st.setString(1, TASK);
            st.setString(2, id);
            try (ResultSet rs = st.executeQuery()) {
                Timestamp at = rs.next() ? rs.getTimestamp(1) : null;
                return at == null ? null : at.toInstant();
            }
        } catch (SQLException e) {
            log.debug("Cannot read the heartbeat of job {}", id, e);
            return null;
        }
    }

    private CompletionHandler<JobState> execute(TaskInstance<JobState> instance, ExecutionContext context) {
        JobState state = instance.getData();
        if (state.status().finished()) {
            // kept for polling until now
            return new CompletionHandler.OnCompleteRemove<>();
        }
        Instant started = clock.instant();
        Live job = new Live(
                instance.getId(),
                context.getExecution().version,
                false,
                state.started(started, settings.instanceName()));
        markStarted(job);
        JobState done;
        Function<JobSpec, JobWork> w = worker;
        if (w == null) {
            done = job.state.failed(
                    started,
                    clock.instant(),
                    failure(new IllegalStateException(
                            "pgkeep's admin jobs have no worker on instance " + settings.instanceName())),
                    settings.instanceName());
        } else {
            done = run(job, progress -> w.apply(state.spec()).call(progress));
        }
        JobState outcome = done;
        return (complete, operations) ->
                operations.reschedule(complete, clock.instant().plus(settings.keepFinishedFor()), outcome);
    }

    /** Writes the job's start to its row, so that every instance shows when the job started while it runs. */
    private void markStarted(Live job) {
        try (Connection c = dataSource.getConnection()) {
            writeRunning(c, job.id, job.version, job.state);
        } catch (SQLException | RuntimeException e) {
            log.debug("Cannot record the start of pgkeep job {}", job.id, e);
        }
    }

    private static void logFailure(JobState state, String id, Throwable failure) {
        if (FailureStatus.of(failure).status() >= 500) {
            log.warn("pgkeep {} job {} failed", state.spec().type(), id, failure);
        }
    }

    private static Job.JobError failure(Throwable failure) {
        FailureStatus mapped = FailureStatus.of(failure);
        return new Job.JobError(mapped.status(), mapped.type(), mapped.title(), FailureStatus.publicDetail(failure));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Another instance found this job picked by an instance that stopped sending heartbeats. */
    private void instanceLost(ExecutionComplete complete, ExecutionOperations<JobState> operations) {
        Object data = complete.getExecution().taskInstance.getData();
        if (!(data instanceof JobState state) || state.status().finished()) {
            operations.remove();
            return;
        }
        String lost = complete.getExecution().pickedBy;
        Instant heartbeat = complete.getExecution().lastHeartbeat;
        log.warn(
                "pgkeep {} job {} was running on instance {}, which sent no heartbeat since {}: the job is failed as"
                        + " instance-lost",
                state.spec().type(),
                complete.getExecution().taskInstance.getId(),
                lost,
                heartbeat);
        Job.JobError error = new Job.JobError(
                503,
                "instance-lost",
                "Instance lost",
                "The instance " + lost + " that ran this " + state.spec().type() + " stopped sending heartbeats"
                        + " (last at " + heartbeat + ") and is taken for dead; the job did not finish there and is"
                        + " not run again. Check GET /backups (a backup) or the target database (a restore), then"
                        + " submit it again.");
        operations.reschedule(
                complete,
                clock.instant().plus(settings.keepFinishedFor()),
                state.failed(state.startedAt(), clock.instant(), error, lost));
    }

    /** The job ran, but its outcome could not be stored (e.g. a result the serializer cannot write). */
    private void failedToComplete(ExecutionComplete complete, ExecutionOperations<JobState> operations) {
        Object data = complete.getExecution().taskInstance.getData();
        if (!(data instanceof JobState state) || state.status().finished()) {
            operations.remove();
            return;
        }
        Throwable cause = complete.getCause().orElse(null);
        Job.JobError error = new Job.JobError(
                500,
                "internal-error",
                "Internal error",
                "The job's outcome could not be stored: " + (cause == null ? "unknown" : cause.toString()));
        operations.reschedule(
                complete,
                clock.instant().plus(settings.keepFinishedFor()),
                state.failed(state.startedAt(), clock.instant(), error, settings.instanceName()));
    }

    /** The underlying db-scheduler (tests, measurements). */
    public Scheduler scheduler() {
        return scheduler;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** db-scheduler's task data as JSON, with the application's JSON mapper (results are written as HTTP shows them). */
    private static final class JsonSerializer implements Serializer {
        private final JsonMapper json;

        JsonSerializer(JsonMapper json) {
            this.json = json;
        }

        @Override
        public byte[] serialize(Object data) {
            return json.writeValueAsBytes(data);
        }

        @Override
        public <T> T deserialize(Class<T> type, byte[] bytes) {
            return json.readValue(bytes, type);
        }
    }

    /**
     * A job's state as stored in db-scheduler's row.
     *
     * @param result what the job returned (as JSON once read back)
     * @param runningOn the instance that ran it, once finished
     */
    public record JobState(
            JobSpec spec,
            JobStatus status,
            Instant submittedAt,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt,
            @Nullable Object result,
            Job.@Nullable JobError error,
            @Nullable String runningOn,
            @Nullable JobProgress progress) {

        static JobState queued(JobSpec spec, Instant at) {
            return new JobState(spec, JobStatus.QUEUED, at, null, null, null, null, null, null);
        }

        JobState started(Instant at, String instance) {
            return new JobState(spec, JobStatus.RUNNING, submittedAt, at, null, null, null, instance, progress);
        }

        JobState withProgress(JobProgress now) {
            return new JobState(spec, status, submittedAt, startedAt, finishedAt, result, error, runningOn, now);
        }

        JobState succeeded(Instant finished, @Nullable Object value, String instance) {
            return new JobState(
                    spec, JobStatus.SUCCEEDED, submittedAt, startedAt, finished, value, null, instance, progress);
        }

        JobState failed(@Nullable Instant started, Instant finished, Job.JobError why, @Nullable String instance) {
            return new JobState(spec, JobStatus.FAILED, submittedAt, started, finished, null, why, instance, progress);
        }

        Job toJob(String id, JobStatus shown, @Nullable String instance, @Nullable Instant heartbeatAt) {
            return new Job(
                    id,
                    spec.type(),
                    spec.database(),
                    shown,
                    submittedAt,
                    startedAt,
                    finishedAt,
                    result,
                    error,
                    instance,
                    heartbeatAt,
                    progress);
        }
    }
}
