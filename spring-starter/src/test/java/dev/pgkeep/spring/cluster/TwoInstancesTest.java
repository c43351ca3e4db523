package dev.pgkeep.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.host.AdminClient;
import dev.pgkeep.spring.host.TestHostApplication;
import dev.pgkeep.spring.jobs.ClusterJobs;
import dev.pgkeep.spring.jobs.JobSpec;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of a host application on one database and one repository, with real HTTP, JWTs, PostgreSQL and
 * pg_dump: jobs are shared through db-scheduler's table, and an instance that dies mid-job (a third one, in a JVM of
 * its own, SIGKILLed) leaves a job the others report as failed within the bound. Prints the timings docs/spring-boot.md
 * quotes.
 */
class TwoInstancesTest {
    static final PostgresServer pg = TestDatabases.server();
    static final String database = TestDatabases.createSample("starter_cluster");
    static final Path repo = tempDir("pgkeep-cluster-repo");
    static final String ADMIN = AdminClient.token("alice", "ADMIN");
    static final String HOLDER = AdminClient.token("holder", "ADMIN");
    static final String LATE_HOLDER = AdminClient.token("late-holder", "ADMIN");
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final int MISSED = 4;

    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static AdminClient clientA;
    static AdminClient clientB;

    @BeforeAll
    static void start() {
        a = instance("a", "db-scheduler");
        b = instance("b", "db-scheduler");
        clientA = new AdminClient(port(a));
        clientB = new AdminClient(port(b));
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static List<String> properties(String name, String engine) {
        List<String> p = new ArrayList<>(List.of(TestDatabases.hostProperties(database)));
        p.add("pgkeep.repository=" + repo);
        p.add("pgkeep.schedule.enabled=false");
        p.add("pgkeep.jobs.engine=" + engine);
        p.add("pgkeep.jobs.instance-name=" + name);
        p.add("pgkeep.jobs.polling-interval=1s");
        p.add("pgkeep.jobs.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms");
        p.add("pgkeep.jobs.missed-heartbeats=" + MISSED);
        return p;
    }

    static ConfigurableApplicationContext instance(String name, String engine) {
        List<String> p = properties(name, engine);
        p.add("server.port=0");
        return new SpringApplicationBuilder(TestHostApplication.class)
                .properties(p.toArray(String[]::new))
                .run();
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void aBackupAcceptedByOneInstanceIsPolledToSucceededOnTheOther() {
        AdminClient.Answer started = clientA.postJson("/admin/db/backup", ADMIN, "{\"label\":\"from-a\"}");
        assertThat(started.status()).as(String.valueOf(started.json())).isEqualTo(202);
        String id = started.json().path("id").asText();

        JsonNode onB = clientB.awaitJob("/admin/db/jobs/" + id, ADMIN);
        assertThat(onB.path("status").asText()).as(onB.toString()).isEqualTo("succeeded");
        assertThat(onB.path("result").path("label").asText()).isEqualTo("from-a");
        assertThat(onB.path("runningOn").asText()).isIn("a", "b");
        assertThat(clientA.get("/admin/db/jobs/" + id, ADMIN).json()).isEqualTo(onB);
        assertThat(clientB.get(
                                "/admin/db/backups/"
                                        + onB.path("result").path("id").asText(),
                                ADMIN)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aRunningJobsProgressIsShownOnEveryInstance() {
        CountDownLatch hold = holdOnBoth((sink, latch) -> sink.releaseEnd = latch);
        String id;
        JsonNode running;
        try {
            // the dump is done and reported, the job still runs: the audit sink holds the backup's end
            AdminClient.Answer started = clientA.postJson("/admin/db/backup", LATE_HOLDER, "{}");
            assertThat(started.status()).as(String.valueOf(started.json())).isEqualTo(202);
            id = started.json().path("id").asText();
            running = Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> clientB.get("/admin/db/jobs/" + id, ADMIN).json(),
                            j -> j.path("status").asText().equals("running")
                                    && j.path("progress").path("phaseDone").asBoolean());
        } finally {
            hold.countDown();
        }
        JsonNode progress = running.path("progress");
        assertThat(progress.path("phase").asText()).as(running.toString()).isEqualTo("dumping");
        assertThat(progress.path("bytesDone").asLong()).isPositive();
        assertThat(progress.path("at").asText()).isNotBlank();
        JsonNode done = clientB.awaitJob("/admin/db/jobs/" + id, ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("progress").path("bytesDone").asLong())
                .isEqualTo(done.path("result").path("dumpBytes").asLong());
    }

    /** The measurement docs/spring-boot.md quotes: a job that no running instance accepted is picked by polling. */
    @Test
    void aJobQueuedWithoutAnInstanceIsPickedWithinThePollingInterval() {
        DataSource dataSource = a.getBean(DataSource.class);
        ClusterJobs idle = new ClusterJobs(
                dataSource,
                new ClusterJobs.Settings(
                        "pgkeep",
                        "idle",
                        1,
                        Duration.ofSeconds(1),
                        HEARTBEAT,
                        MISSED,
                        Duration.ofHours(1),
                        Duration.ofSeconds(1)),
                JsonMapper.builder().build(),
                Clock.systemUTC());
        List<Long> pickups = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            String id = idle.submit(JobSpec.backup(database, "queued-elsewhere", "bench", null))
                    .id();
            JsonNode running = Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> clientB.get("/admin/db/jobs/" + id, ADMIN).json(),
                            j -> !j.path("status").asText().equals("queued"));
            pickups.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
            assertThat(running.path("runningOn").asText()).isIn("a", "b");
            assertThat(clientA.awaitJob("/admin/db/jobs/" + id, ADMIN)
                            .path("status")
                            .asText())
                    .isEqualTo("succeeded");
        }
        System.out.println("[measure] db-scheduler pickup of a job accepted by no running instance (polling 1s): "
                + pickups + " ms");
        assertThat(pickups).allSatisfy(ms -> assertThat(ms).isLessThan(10_000));
    }

    @Test
    void aRestoreOfATargetRunsOnceWhenTwoInstancesAreAskedAndTheJobTablesSurviveIt() throws Exception {
        String backupId = clientA.awaitJob(
                        clientA.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN)
                .path("result")
                .path("id")
                .asText();
        TestHostApplication.RecordingAuditSink sinkA = a.getBean(TestHostApplication.RecordingAuditSink.class);
        TestHostApplication.RecordingAuditSink sinkB = b.getBean(TestHostApplication.RecordingAuditSink.class);
        CountDownLatch hold = holdOnBoth((sink, latch) -> sink.release = latch);
        try {
            // the holder's restore takes a safety backup first, which the audit sink holds
            AdminClient.Answer first =
                    clientA.postJson("/admin/db/restore", HOLDER, "{\"backupId\":\"" + backupId + "\",\"force\":true}");
            assertThat(first.status()).as(String.valueOf(first.json())).isEqualTo(202);
            String firstId = first.json().path("id").asText();
            JsonNode running = Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> clientB.get("/admin/db/jobs/" + firstId, ADMIN)
                                    .json(),
                            j -> j.path("status").asText().equals("running"));
            // when it started is known while it runs, on the instance that does not run it too
            assertThat(running.path("startedAt").asText())
                    .as(running.toString())
                    .isNotBlank();
            assertThat(Instant.parse(running.path("startedAt").asText()))
                    .isAfterOrEqualTo(Instant.parse(running.path("submittedAt").asText()));

            AdminClient.Answer second =
                    clientB.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"" + backupId + "\",\"force\":true}");
            assertThat(second.status()).as(String.valueOf(second.json())).isEqualTo(409);
            assertThat(second.json().path("detail").asText()).contains(firstId);

            hold.countDown();
            JsonNode done = clientB.awaitJob("/admin/db/jobs/" + firstId, ADMIN);
            // the restore dropped and recreated the host's tables, not the job engine's: its own job row is there
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        } finally {
            hold.countDown();
        }
        List<BackupEvent> restores = new ArrayList<>(sinkA.events);
        restores.addAll(sinkB.events);
        assertThat(restores)
                .filteredOn(e -> e.operation() == BackupEvent.Operation.RESTORE
                        && e.phase() == BackupEvent.Phase.SUCCEEDED
                        && backupId.equals(e.backupId()))
                .hasSize(1);
    }

    @Test
    void aRestoreOfABackupThatHoldsTheJobSchemaLeavesTheLiveJobTablesAlone() {
        // a backup made without the exclusion (engine memory: the schema is dumped like any other)
        ConfigurableApplicationContext old = instance("old", "memory");
        String backupId;
        try {
            AdminClient oldClient = new AdminClient(port(old));
            backupId = oldClient
                    .awaitJob(
                            oldClient.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN)
                    .path("result")
                    .path("id")
                    .asText();
        } finally {
            old.close();
        }
        assertThat(pg.psql(database, "select count(*) from pgkeep.scheduled_tasks")
                        .strip())
                .isNotEqualTo("0");
        JsonNode contents = clientA.get("/admin/db/backups/" + backupId, ADMIN).json();
        assertThat(contents.path("id").asText()).isEqualTo(backupId);

        AdminClient.Answer restore =
                clientA.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"" + backupId + "\",\"force\":true}");
        assertThat(restore.status()).as(String.valueOf(restore.json())).isEqualTo(202);
        JsonNode done = clientB.awaitJob(restore.location().replace(":" + port(a), ":" + port(b)), ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
    }

    @Test
    void aJobOfAKilledInstanceIsReportedFailedAsInstanceLostWithinTheBound() throws Exception {
        Child child = Child.start();
        try {
            AdminClient childClient = new AdminClient(child.port);
            // the job is to run on the child: the others leave it alone until the child picked it
            a.getBean(ClusterJobs.class).scheduler().pause();
            b.getBean(ClusterJobs.class).scheduler().pause();
            AdminClient.Answer started;
            try {
                started = childClient.postJson("/admin/db/backup", HOLDER, "{}");
                String queued = started.json().path("id").asText();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> clientA.get("/admin/db/jobs/" + queued, ADMIN)
                                .json()
                                .path("status")
                                .asText()
                                .equals("running"));
            } finally {
                a.getBean(ClusterJobs.class).scheduler().resume();
                b.getBean(ClusterJobs.class).scheduler().resume();
            }
            assertThat(started.status()).as(String.valueOf(started.json())).isEqualTo(202);
            String id = started.json().path("id").asText();
            JsonNode running = awaitRunning(clientA, id);
            assertThat(running.path("runningOn").asText()).isEqualTo("child");
            assertThat(running.path("heartbeatAt").asText()).isNotBlank();

            JsonNode lost = killAndAwaitLost(child, id, "job");
            assertThat(lost.path("error").path("detail").asText()).contains("child");
            assertThat(lost.path("runningOn").asText()).isEqualTo("child");
            assertThat(clientA.get("/admin/db/jobs/" + id, ADMIN).json()).isEqualTo(lost);

            // its backup lock died with it: the next backup runs
            JsonNode next = clientA.awaitJob(
                    clientA.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN);
            assertThat(next.path("status").asText()).as(next.toString()).isEqualTo("succeeded");
        } finally {
            child.process.destroyForcibly();
        }
    }

    @Test
    void anUploadRestoreRunsOnTheInstanceThatReceivedItAndEveryInstanceReportsIt() throws Exception {
        String backupId = backupOnA();
        byte[] archive = storedArchive(backupId);
        TestHostApplication.RecordingAuditSink sinkB = b.getBean(TestHostApplication.RecordingAuditSink.class);
        CountDownLatch hold = holdOnBoth((sink, latch) -> sink.release = latch);
        String id;
        try {
            // the holder's restore takes a safety backup first, which the audit sink holds
            AdminClient.Answer upload = clientA.postMultipart(
                    "/admin/db/restore", HOLDER, archive, Map.of("targetDatabase", database, "force", "true"));
            assertThat(upload.status()).as(String.valueOf(upload.json())).isEqualTo(202);
            id = upload.json().path("id").asText();

            JsonNode running = awaitRunning(clientB, id);
            assertThat(running.path("type").asText()).isEqualTo("restore");
            assertThat(running.path("database").asText()).isEqualTo(database);
            assertThat(running.path("runningOn").asText()).isEqualTo("a");
            assertThat(running.path("startedAt").asText()).isNotBlank();
            assertThat(running.path("heartbeatAt").asText()).isNotBlank();

            // one restore of a target at a time, whether from an upload or from a stored backup, on any instance
            AdminClient.Answer stored =
                    clientB.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"" + backupId + "\",\"force\":true}");
            assertThat(stored.status()).as(String.valueOf(stored.json())).isEqualTo(409);
            assertThat(stored.json().path("detail").asText()).contains(id);
            AdminClient.Answer secondUpload = clientB.postMultipart(
                    "/admin/db/restore", ADMIN, archive, Map.of("targetDatabase", database, "force", "true"));
            assertThat(secondUpload.status())
                    .as(String.valueOf(secondUpload.json()))
                    .isEqualTo(409);
        } finally {
            hold.countDown();
        }
        JsonNode done = clientB.awaitJob("/admin/db/jobs/" + id, ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("runningOn").asText()).isEqualTo("a");
        assertThat(done.path("result").path("targetDatabase").asText())
                .as(done.toString())
                .isEqualTo(database);
        assertThat(clientA.get("/admin/db/jobs/" + id, ADMIN).json()).isEqualTo(done);
        assertThat(sinkB.events)
                .noneMatch(e -> e.operation() == BackupEvent.Operation.RESTORE
                        && e.phase() == BackupEvent.Phase.STARTED
                        && "holder".equals(e.actor()));
    }

    @Test
    void anUploadRestoreOfAKilledInstanceIsReportedFailedAsInstanceLostWithinTheBound() throws Exception {
        byte[] archive = storedArchive(backupOnA());
        Child child = Child.start();
        try {
            AdminClient childClient = new AdminClient(child.port);
            AdminClient.Answer upload = childClient.postMultipart(
                    "/admin/db/restore", HOLDER, archive, Map.of("targetDatabase", database, "force", "true"));
            assertThat(upload.status()).as(String.valueOf(upload.json())).isEqualTo(202);
            String id = upload.json().path("id").asText();
            JsonNode running = awaitRunning(clientA, id);
            assertThat(running.path("runningOn").asText()).isEqualTo("child");
            // its heartbeats go on while the child holds it: the others do not take it for lost
            Instant firstBeat = Instant.parse(running.path("heartbeatAt").asText());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Instant.parse(clientB.get("/admin/db/jobs/" + id, ADMIN)
                                    .json()
                                    .path("heartbeatAt")
                                    .asText())
                            .isAfter(firstBeat));

            JsonNode lost = killAndAwaitLost(child, id, "upload restore");
            assertThat(lost.path("runningOn").asText()).isEqualTo("child");
            assertThat(lost.path("startedAt").asText()).isNotBlank();
            assertThat(clientA.get("/admin/db/jobs/" + id, ADMIN).json()).isEqualTo(lost);
        } finally {
            child.process.destroyForcibly();
        }
    }

    private static String backupOnA() {
        JsonNode done = clientA.awaitJob(
                clientA.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        return done.path("result").path("id").asText();
    }

    /** One latch that both instances' audit sinks wait for where {@code set} puts it. */
    private static CountDownLatch holdOnBoth(BiConsumer<TestHostApplication.RecordingAuditSink, CountDownLatch> set) {
        CountDownLatch hold = new CountDownLatch(1);
        set.accept(a.getBean(TestHostApplication.RecordingAuditSink.class), hold);
        set.accept(b.getBean(TestHostApplication.RecordingAuditSink.class), hold);
        return hold;
    }

    private static JsonNode awaitRunning(AdminClient client, String id) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.get("/admin/db/jobs/" + id, ADMIN).json(),
                        j -> j.path("status").asText().equals("running"));
    }

    /** SIGKILLs {@code child} and waits until another instance reports its job {@code id} lost, within the bound. */
    private static JsonNode killAndAwaitLost(Child child, String id, String what) throws InterruptedException {
        long killed = System.nanoTime();
        child.kill();
        JsonNode lost = Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> clientB.get("/admin/db/jobs/" + id, ADMIN).json(),
                        j -> j.path("status").asText().equals("failed"));
        long ms = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        System.out.println("[measure] db-scheduler: " + what + " of a SIGKILLed instance failed as instance-lost after "
                + ms + " ms (heartbeat " + HEARTBEAT.toMillis() + " ms, " + MISSED + " missed)");
        assertThat(lost.path("error").path("type").asText()).as(lost.toString()).isEqualTo("instance-lost");
        return lost;
    }

    private static byte[] storedArchive(String backupId) {
        return TestDatabases.storedArchive(repo, database, backupId);
    }

    /** The test host in a JVM of its own ({@link ChildHost}), instance {@code child} of the same cluster. */
    record Child(Process process, int port) {
        static Child start() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ChildHost.class.getName()));
            for (String p : properties("child", "db-scheduler")) {
                command.add("--" + p);
            }
            command.add("--server.port=" + port);
            Process child =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            CountDownLatch ready = new CountDownLatch(1);
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        if (line.equals("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the child died
                }
            });
            reader.setDaemon(true);
            reader.start();
            boolean started = ready.await(120, TimeUnit.SECONDS);
            if (!started) {
                child.destroyForcibly();
            }
            assertThat(started)
                    .as(() -> {
                        synchronized (output) {
                            return output.toString();
                        }
                    })
                    .isTrue();
            return new Child(child, port);
        }

        /** SIGKILL: no shutdown hook, no completion, no more heartbeats. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
