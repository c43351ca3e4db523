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
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The other engine docs/spring-boot.md weighs: Quartz's clustered JDBC job store on the same PostgreSQL, pickup measured
 * the way {@link TwoInstancesTest} measures db-scheduler's: a job stored by a node that does not run it. Quartz's own
 * DDL from its jar, in a database of its own. Prints the timings. (Its dead-node recovery is not measured here.)
 */
class QuartzComparisonTest {
    static final PostgresServer pg = TestDatabases.server();
    static final BlockingQueue<String> ran = new ArrayBlockingQueue<>(16);
    static volatile CountDownLatch hold = new CountDownLatch(0);

    /** Records where it ran (and whether as a recovery), then waits for {@link #hold}. */
    public static final class Probe implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            try {
                ran.add(context.getScheduler().getSchedulerInstanceId()
                        + (context.isRecovering() ? ":recovering" : ""));
                hold.await(60, TimeUnit.SECONDS);
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Scheduler node(String database, String id, long checkinMs) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pgkeep-bench");
        p.setProperty("org.quartz.scheduler.instanceId", id);
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000"); // like db-scheduler's polling interval there
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinMs));
        p.setProperty("org.quartz.jobStore.dataSource", "ds");
        p.setProperty("org.quartz.dataSource.ds.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.ds.driver", "org.postgresql.Driver");
        p.setProperty("org.quartz.dataSource.ds.URL", TestDatabases.jdbcUrl(database));
        p.setProperty("org.quartz.dataSource.ds.user", pg.superuser());
        p.setProperty("org.quartz.dataSource.ds.password", pg.password());
        p.setProperty("org.quartz.dataSource.ds.maxConnections", "3");
        Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
        // nodes of one cluster share a name, which a JVM's repository holds once: each node is a separate scheduler
        SchedulerRepository.getInstance().remove("pgkeep-bench");
        return scheduler;
    }

    static void submit(Scheduler via, String name, boolean recover) throws SchedulerException {
        via.scheduleJob(
                JobBuilder.newJob(Probe.class)
                        .withIdentity(name)
                        .requestRecovery(recover)
                        .build(),
                TriggerBuilder.newTrigger().withIdentity(name).startNow().build());
    }

    @Test
    void aJobStoredByANodeThatDoesNotRunItIsPickedByAnother() throws Exception {
        String database = PostgresServer.uniqueDatabaseName("starter_quartz");
        pg.createDatabase(database);
        try (InputStream ddl =
                Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            pg.psql(database, new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            hold.countDown();
            if (!one.isShutdown()) {
                one.shutdown(false);
            }
        }
    }
}
