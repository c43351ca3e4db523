package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.spi.RestoreCheck;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.PgkeepStartupException;
import dev.pgkeep.spring.schedule.JdbcAdvisoryScheduleClaim;
import dev.pgkeep.spring.schedule.RepositoryCopies;
import dev.pgkeep.spring.schedule.ScheduleClaim;
import dev.pgkeep.spring.schedule.ScheduledBackups;
import dev.pgkeep.spring.schedule.ScheduledDrills;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Scheduled backups ({@code pgkeep.schedule.*}) followed by retention ({@code pgkeep.retention.*}), on the host's
 * {@link TaskScheduler}, else on pgkeep's own built by Boot's {@link ThreadPoolTaskSchedulerBuilder}
 * ({@code spring.task.scheduling.*}); {@code /actuator/scheduledtasks} lists them. With a {@link DataSource}, each
 * tick is claimed with a PostgreSQL advisory lock so that exactly one instance of the application runs it.
 */
@AutoConfiguration(
        after = PgkeepAutoConfiguration.class,
        afterName = "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration")
@ConditionalOnBean(BackupService.class)
@ConditionalOnBooleanProperty(name = "pgkeep.schedule.enabled", matchIfMissing = true)
public final class PgkeepSchedulerAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PgkeepSchedulerAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    ScheduleClaim pgkeepScheduleClaim(ObjectProvider<DataSource> dataSource, Clock clock) {
        DataSource ds = dataSource.getIfUnique();
        if (ds == null) {
            log.warn("pgkeep: no DataSource, so schedule ticks are claimed inside this JVM only; with several"
                    + " instances define a ScheduleClaim bean or each instance runs its own backups.");
            return ScheduleClaim.inProcess();
        }
        return new JdbcAdvisoryScheduleClaim(ds, clock);
    }

    /**
     * pgkeep's scheduler when the host has none (a host with {@code @EnableScheduling} has Boot's, which pgkeep then
     * shares). Unless {@code spring.task.scheduling.shutdown.await-termination} says otherwise, shutdown lets a running
     * backup finish (up to two minutes), as pgkeep's scheduler always did.
     */
    @Bean
    @ConditionalOnMissingBean(TaskScheduler.class)
    ThreadPoolTaskScheduler pgkeepTaskScheduler(
            ObjectProvider<ThreadPoolTaskSchedulerBuilder> builder, Environment environment) {
        ThreadPoolTaskSchedulerBuilder b = builder.getIfAvailable(ThreadPoolTaskSchedulerBuilder::new);
        if (!environment.containsProperty("spring.task.scheduling.shutdown.await-termination")) {
            b = b.awaitTermination(true).awaitTerminationPeriod(Duration.ofMinutes(2));
        }
        if (!environment.containsProperty("spring.task.scheduling.thread-name-prefix")) {
            b = b.threadNamePrefix("pgkeep-schedule-");
        }
        return b.build();
    }

    /** The host's single scheduler, else the one named {@code taskScheduler} (Boot's), as {@code @Scheduled} does. */
    static TaskScheduler scheduler(ObjectProvider<TaskScheduler> schedulers, ListableBeanFactory beans) {
        TaskScheduler unique = schedulers.getIfUnique();
        if (unique != null) {
            return unique;
        }
        if (beans.containsBean("taskScheduler")) {
            return beans.getBean("taskScheduler", TaskScheduler.class);
        }
        throw new IllegalStateException("pgkeep's scheduled backups need a TaskScheduler, and the application has"
                + " several and none named 'taskScheduler'; name the one pgkeep should use 'taskScheduler'.");
    }

    @Bean
    @ConditionalOnMissingBean
    ScheduledBackups pgkeepScheduledBackups(
            ObjectProvider<TaskScheduler> schedulers,
            ListableBeanFactory beans,
            PgkeepProperties properties,
            BackupService service,
            PgkeepDatabases databases,
            ScheduleClaim claim,
            RepositoryCopies copies,
            Clock clock) {
        PgkeepProperties.Schedule schedule = properties.getSchedule();
        PgkeepProperties.Retention retention = properties.getRetention();
        RetentionPolicy policy = retention.isEnabled() ? retention.toPolicy() : null;
        ScheduledBackups scheduled = new ScheduledBackups(
                service,
                databases.all(),
                claim,
                schedule.getCron(),
                ZoneId.of(schedule.getZone()),
                schedule.getClaimAtLeastFor(),
                policy,
                copies,
                properties.isAllDatabases(),
                clock);
        scheduled.setTaskScheduler(scheduler(schedulers, beans));
        return scheduled;
    }

    /** {@code pgkeep.drill.enabled}: restore drills with the host's {@link RestoreCheck} beans. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("pgkeep.drill.enabled")
    ScheduledDrills pgkeepScheduledDrills(
            ObjectProvider<TaskScheduler> schedulers,
            ListableBeanFactory beans,
            PgkeepProperties properties,
            BackupService service,
            PgkeepDatabases databases,
            ScheduleClaim claim,
            ObjectProvider<RestoreCheck> checks,
            Clock clock) {
        PgkeepProperties.Drill drill = properties.getDrill();
        DatabaseConnection scratch;
        try {
            scratch = drill.getServer() == null || drill.getServer().isBlank()
                    ? null
                    : DatabaseConnection.parse(drill.getServer());
        } catch (BadInputException e) {
            throw new PgkeepStartupException(
                    "pgkeep.drill.server: " + e.getMessage(),
                    "Give pgkeep.drill.server the scratch server as postgresql://user@host:5432/postgres, or leave"
                            + " it unset to restore drills into the backed-up server.",
                    e);
        }
        ScheduledDrills drills = new ScheduledDrills(
                service,
                databases.all(),
                scratch,
                () -> checks.orderedStream().toList(),
                claim,
                drill.getCron(),
                ZoneId.of(properties.getSchedule().getZone()),
                properties.getSchedule().getClaimAtLeastFor(),
                clock);
        drills.setTaskScheduler(scheduler(schedulers, beans));
        return drills;
    }
}
