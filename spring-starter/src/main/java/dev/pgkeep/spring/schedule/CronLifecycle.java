package dev.pgkeep.spring.schedule;

import dev.pgkeep.spring.PgkeepStartupException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

/**
 * A cron task on a Spring {@link TaskScheduler} (the host's, else pgkeep's own built from
 * {@code spring.task.scheduling.*}), started and stopped with the context; the host needs no
 * {@code @EnableScheduling}, and one that has it does not run the task a second time (it is never a
 * {@code SchedulingConfigurer}). As a {@link ScheduledTaskHolder} it is listed by {@code /actuator/scheduledtasks}.
 * Stopping cancels future ticks; a running tick finishes, as the scheduler's own shutdown settings allow.
 */
abstract class CronLifecycle implements SmartLifecycle, ScheduledTaskHolder {
    private final String cron;
    private final ZoneId zone;
    private final String description;
    private final CronExpression expression;
    private @Nullable TaskScheduler scheduler;
    private @Nullable ScheduledTaskRegistrar registrar;

    /** @param property the setting {@code cron} came from, for the error when it is not a cron expression */
    CronLifecycle(String cron, ZoneId zone, String property, String description) {
        this.cron = cron;
        this.zone = zone;
        this.description = description;
        try {
            this.expression = CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            throw new PgkeepStartupException(
                    property + " '" + cron + "' is not a valid cron expression (" + e.getMessage() + ").",
                    "Give " + property + " six fields, seconds first, e.g. '0 0 2 * * *'.",
                    e);
        }
    }

    /** One tick of the schedule. */
    abstract void tick();

    /** The scheduler the task runs on once started; set by the auto-configuration. */
    public synchronized void setTaskScheduler(TaskScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    public String cron() {
        return cron;
    }

    public ZoneId zone() {
        return zone;
    }

    /** When the schedule fires next after {@code after}; empty when the expression never fires again. */
    public Optional<Instant> nextRun(Instant after) {
        return Optional.ofNullable(expression.next(after.atZone(zone))).map(z -> z.toInstant());
    }

    @Override
    public synchronized void start() {
        if (scheduler == null) {
            throw new IllegalStateException(description + " has no TaskScheduler; call setTaskScheduler first");
        }
        ScheduledTaskRegistrar r = new ScheduledTaskRegistrar();
        r.setTaskScheduler(scheduler);
        r.addCronTask(new CronTask(new Tick(this, description), new CronTrigger(cron, zone)));
        r.afterPropertiesSet();
        this.registrar = r;
    }

    @Override
    public synchronized void stop() {
        if (registrar != null) {
            registrar.destroy(); // cancels future ticks; the scheduler is not ours to shut down
            registrar = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return registrar != null;
    }

    @Override
    public synchronized Set<ScheduledTask> getScheduledTasks() {
        return registrar == null ? Set.of() : registrar.getScheduledTasks();
    }

    /** The task as {@code /actuator/scheduledtasks} names it ({@code runnable.target}). */
    private record Tick(CronLifecycle owner, String description) implements Runnable {
        @Override
        public void run() {
            owner.tick();
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
