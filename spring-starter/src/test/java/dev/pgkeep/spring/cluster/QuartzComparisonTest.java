package dev.pgkeep.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;

/**
 * The other engine docs/spring-boot.md weighs: Quartz's clustered JDBC job store ({@code JobStoreTX}) on the same
 * PostgreSQL, measured the way {@link TwoInstancesTest} measures db-scheduler: the pickup of a job stored by a node
 * that does not run it, and the recovery of a {@code requestsRecovery} job whose node (a JVM of its own, {@link
 * QuartzNode}) is SIGKILLed while it runs. Quartz's own DDL from its jar, in a database of its own. Prints the timings
 * docs/spring-boot.md quotes; the recovery with {@code clusterCheckinInterval} 20 s runs only with {@code
 * -Dpgkeep.measure.quartz.slow=true}.
 */
class QuartzComparisonTest {
    static final PostgresServer pg = TestDatabases.server();
    static final BlockingQueue<String> ran = QuartzNode.ran;

    static Scheduler node(String database, String id, long checkinMs) throws SchedulerException {
        return QuartzNode.node(TestDatabases.jdbcUrl(database), pg.superuser(), pg.password(), id, checkinMs);
    }

    static void submit(Scheduler via, String name, boolean recover) throws SchedulerException {
        via.scheduleJob(
                JobBuilder.newJob(QuartzNode.Probe.class)
                        .withIdentity(name)
                        .requestRecovery(recover)
                        .build(),
                TriggerBuilder.newTrigger().withIdentity(name).startNow().build());
    }

    /** A database of its own with Quartz's PostgreSQL tables. */
    static String quartzDatabase() {
        String database = PostgresServer.uniqueDatabaseName("starter_quartz");
        pg.createDatabase(database);
        try (InputStream ddl =
                Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            pg.psql(database, new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return database;
    }

    @Test
    void aJobStoredByANodeThatDoesNotRunItIsPickedByAnother() throws Exception {
        String database = quartzDatabase();
        long checkin = 500; // as db-scheduler's heartbeat in TwoInstancesTest
        Scheduler submitter = node(database, "submitter", checkin); // stores jobs, never started
        Scheduler one = node(database, "one", checkin);
        one.start();
        try {
            List<Long> pickups = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                submit(submitter, "pickup-" + i, false);
                assertThat(ran.poll(60, TimeUnit.SECONDS)).isEqualTo("one");
                pickups.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
            }
            System.out.println("[measure] Quartz pickup of a job stored by a node that does not run it"
                    + " (idleWaitTime 1s): " + pickups + " ms");

        } finally {
            QuartzNode.hold.countDown();
            if (!one.isShutdown()) {
                one.shutdown(false);
            }
        }
    }

    /**
     * The node running a {@code requestsRecovery} job is SIGKILLed; the surviving node re-runs the job (as a recovery)
     * once it takes the dead node for failed: Quartz's ClusterManager does so when the node's last check-in is older
     * than its check-in interval (or the time since the survivor's own last check-in, if longer) plus a fixed 7.5 s.
     */
    @ParameterizedTest(name = "clusterCheckinInterval {0} ms")
    @ValueSource(longs = {1_000, 7_500, 20_000})
    void aRecoverableJobOfAKilledNodeIsRunAgainByTheSurvivor(long checkin) throws Exception {
        Assumptions.assumeTrue(
                checkin < 20_000 || Boolean.getBoolean("pgkeep.measure.quartz.slow"),
                "set -Dpgkeep.measure.quartz.slow=true to measure 20 s check-ins");
        String database = quartzDatabase();
        ran.clear();
        QuartzNode.hold = new CountDownLatch(1);
        Scheduler submitter = node(database, "submitter", checkin); // stores jobs, never started
        Process victim =
                QuartzNode.start(TestDatabases.jdbcUrl(database), pg.superuser(), pg.password(), "victim", checkin);
        Scheduler survivor = null;
        try {
            QuartzNode.awaitLine(victim, "READY", Duration.ofMinutes(2));
            submit(submitter, "long-" + checkin, true);
            // it runs on the victim (the only running node), which holds it until killed
            QuartzNode.awaitLine(victim, "RAN victim", Duration.ofMinutes(1));
            survivor = node(database, "survivor", checkin);
            survivor.start();
            long killed = System.nanoTime();
            victim.destroyForcibly(); // SIGKILL: no shutdown, no more check-ins
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String recovered = ran.poll(2, TimeUnit.MINUTES);
            long ms = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            assertThat(recovered).isEqualTo("survivor:recovering");
            System.out.println("[measure] Quartz JobStoreTX: requestsRecovery job of a SIGKILLed node re-run by the"
                    + " survivor after " + ms + " ms (clusterCheckinInterval " + checkin + " ms)");
        } finally {
            QuartzNode.hold.countDown();
            victim.destroyForcibly();
            if (survivor != null && !survivor.isShutdown()) {
                survivor.shutdown(false);
            }
        }
    }
}
