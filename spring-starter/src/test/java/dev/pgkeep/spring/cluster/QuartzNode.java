package dev.pgkeep.spring.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;

/**
 * A Quartz cluster node in a JVM of its own, so that {@link QuartzComparisonTest} can SIGKILL it: prints {@code READY}
 * once started and {@code RAN <node>} for each job it runs, and holds every job until it dies.
 */
public final class QuartzNode {
    static final BlockingQueue<String> ran = new ArrayBlockingQueue<>(16);
    static volatile CountDownLatch hold = new CountDownLatch(0);
    private static final Map<Process, Lines> output = new ConcurrentHashMap<>();

    /** Records where it ran (and whether as a recovery), then waits for {@link #hold}. */
    public static final class Probe implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            try {
                ran.add(context.getScheduler().getSchedulerInstanceId()
                        + (context.isRecovering() ? ":recovering" : ""));
                hold.await(5, TimeUnit.MINUTES);
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A node of the cluster {@code pgkeep-bench}, not started. */
    static Scheduler node(String url, String user, String password, String id, long checkinMs)
            throws SchedulerException {
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
        p.setProperty("org.quartz.dataSource.ds.URL", url);
        p.setProperty("org.quartz.dataSource.ds.user", user);
        p.setProperty("org.quartz.dataSource.ds.password", password);
        p.setProperty("org.quartz.dataSource.ds.maxConnections", "3");
        Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
        // nodes of one cluster share a name, which a JVM's repository holds once: each node is a separate scheduler
        SchedulerRepository.getInstance().remove("pgkeep-bench");
        return scheduler;
    }

    private QuartzNode() {}

    /** Arguments: JDBC URL, user, node id, clusterCheckinInterval in ms; the password in {@code QUARTZ_PASSWORD}. */
    public static void main(String[] args) throws Exception {
        hold = new CountDownLatch(1);
        Scheduler node = node(args[0], args[1], System.getenv("QUARTZ_PASSWORD"), args[2], Long.parseLong(args[3]));
        node.start();
        System.out.println("READY");
        System.out.flush();
        while (true) {
            System.out.println("RAN " + ran.take());
            System.out.flush();
        }
    }

    static Process start(String url, String user, String password, String id, long checkinMs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                QuartzNode.class.getName(),
                url,
                user,
                id,
                String.valueOf(checkinMs)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("QUARTZ_PASSWORD", password);
        Process process = builder.start();
        Lines lines = new Lines();
        output.put(process, lines);
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the node died
            }
        });
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /** Waits until {@code process} printed {@code line}; fails with what it printed otherwise. */
    static void awaitLine(Process process, String line, Duration timeout) throws InterruptedException {
        Lines lines = output.get(process);
        if (!lines.await(line, timeout)) {
            throw new AssertionError("The Quartz node did not print '" + line + "' within " + timeout + ":\n" + lines);
        }
    }

    private static final class Lines {
        private final StringBuilder all = new StringBuilder();
        private final List<String> list = new ArrayList<>();

        synchronized void add(String line) {
            list.add(line);
            all.append(line).append('\n');
            notifyAll();
        }

        synchronized boolean await(String line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!list.contains(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        @Override
        public synchronized String toString() {
            return all.length() > 20_000 ? all.substring(all.length() - 20_000) : all.toString();
        }
    }
}
