package dev.pgkeep.spring.schedule;

import dev.pgkeep.spring.PgkeepStartupException;
import java.time.ZoneId;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

/**
 * A task on its own single-thread Spring scheduler, started and stopped with the context (the host needs no
 * {@code @EnableScheduling}); a graceful shutdown lets a running tick finish.
 */
abstract class CronLifecycle implements SmartLifecycle {
    private final String cron;
    private final ZoneId zone;
    private final String threadPrefix;
    private @Nullable ThreadPoolTaskScheduler scheduler;
    private @Nullable ScheduledFuture<?> schedule;

    /** @param property the setting {@code cron} came from, for the error when it is not a cron expression */
    CronLifecycle(String cron, ZoneId zone, String property, String threadPrefix) {
        this.cron = cron;
        this.zone = zone;
        this.threadPrefix = threadPrefix;
        try {
            new CronTrigger(cron, zone);
        } catch (IllegalArgumentException e) {
            throw new PgkeepStartupException(
                    property + " '" + cron + "' is not a valid cron expression (" + e.getMessage() + ").",
                    "Give " + property + " six fields, seconds first, e.g. '0 0 2 * * *'.",
                    e);
        }
    }

    /** One tick of the schedule. */
    abstract void tick();

    String cron() {
        return cron;
    }

    ZoneId zone() {
        return zone;
    }

    @Override
    public synchronized void start() {
        ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
        s.setPoolSize(1);
        s.setThreadNamePrefix(threadPrefix);
        s.setDaemon(true);
        s.setWaitForTasksToCompleteOnShutdown(true);
        s.setAwaitTerminationSeconds(120);
        s.initialize();
        this.scheduler = s;
        this.schedule = s.schedule(this::tick, new CronTrigger(cron, zone));
    }

    @Override
    public synchronized void stop() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
