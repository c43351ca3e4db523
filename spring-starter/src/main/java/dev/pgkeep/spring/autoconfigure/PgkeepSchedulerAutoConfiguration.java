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
import java.time.ZoneId;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Scheduled backups ({@code pgkeep.schedule.*}) followed by retention ({@code pgkeep.retention.*}), on pgkeep's own
 * scheduler thread. With a {@link DataSource}, each tick is claimed with a PostgreSQL advisory lock so that exactly
 * one instance of the application runs it.
 */
@AutoConfiguration(after = PgkeepAutoConfiguration.class)
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

    @Bean
    @ConditionalOnMissingBean
    ScheduledBackups pgkeepScheduledBackups(
            PgkeepProperties properties,
            BackupService service,
            PgkeepDatabases databases,
            ScheduleClaim claim,
            RepositoryCopies copies,
            Clock clock) {
        PgkeepProperties.Schedule schedule = properties.getSchedule();
        PgkeepProperties.Retention retention = properties.getRetention();
        RetentionPolicy policy = retention.isEnabled() ? retention.toPolicy() : null;
        return new ScheduledBackups(
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
    }

    /** {@code pgkeep.drill.enabled}: restore drills with the host's {@link RestoreCheck} beans. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("pgkeep.drill.enabled")
    ScheduledDrills pgkeepScheduledDrills(
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
        return new ScheduledDrills(
                service,
                databases.all(),
                scratch,
                () -> checks.orderedStream().toList(),
                claim,
                drill.getCron(),
                ZoneId.of(properties.getSchedule().getZone()),
                properties.getSchedule().getClaimAtLeastFor(),
                clock);
    }
}
