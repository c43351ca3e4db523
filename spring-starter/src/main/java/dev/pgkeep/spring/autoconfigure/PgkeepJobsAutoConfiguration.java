package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.jobs.ClusterJobs;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin jobs shared by every instance of the application ({@link ClusterJobs}, db-scheduler) when the host has a JDBC
 * {@code DataSource}: the engine's table is created in its own schema ({@code pgkeep.jobs.schema}) of the host's
 * database at start-up, and that schema is left out of every backup and every restore, so that restoring the host's
 * database neither drops nor rolls back the jobs (among them the restore itself). Without a DataSource, or with
 * {@code pgkeep.jobs.engine=memory}, jobs run in memory on the accepting instance ({@code PgkeepJobs}).
 */
@AutoConfiguration(
        after = PgkeepAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        before = PgkeepWebAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
        name = {"org.springframework.web.servlet.DispatcherServlet", "tools.jackson.databind.json.JsonMapper"})
@ConditionalOnBean({BackupService.class, DataSource.class})
@ConditionalOnBooleanProperty(name = "pgkeep.admin.enabled", matchIfMissing = true)
@ConditionalOnExpression("'${pgkeep.jobs.engine:auto}' == 'auto' or '${pgkeep.jobs.engine:auto}' == 'db-scheduler'")
public final class PgkeepJobsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ClusterJobs pgkeepClusterJobs(
            ObjectProvider<DataSource> dataSources,
            PgkeepProperties properties,
            ObjectProvider<JsonMapper> json,
            Clock clock) {
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
            throw new IllegalStateException("pgkeep's shared admin jobs need one DataSource (the application has"
                    + " several and none is @Primary); mark one @Primary or set pgkeep.jobs.engine=memory.");
        }
        PgkeepProperties.Jobs jobs = properties.getJobs();
        ClusterJobs.createTables(dataSource, jobs.getSchema());
        return new ClusterJobs(
                dataSource,
                new ClusterJobs.Settings(
                        jobs.getSchema(),
                        jobs.getInstanceName() != null ? jobs.getInstanceName() : defaultInstanceName(),
                        jobs.getThreads(),
                        jobs.getPollingInterval(),
                        jobs.getHeartbeatInterval(),
                        jobs.getMissedHeartbeats(),
                        jobs.getKeepFinishedFor(),
                        // unset: wait until running jobs finish, as the in-memory engine does
                        jobs.getShutdownTimeout() != null ? jobs.getShutdownTimeout() : Duration.ofDays(3650)),
                json.getIfAvailable(() -> JsonMapper.builder().build()),
                clock);
    }

    /** Leaves the job schema out of every dump and every restore. */
    @Bean
    BackupServiceBuilderCustomizer pgkeepJobSchemaExcluded(PgkeepProperties properties) {
        return builder -> builder.excludeSchemas(List.of(properties.getJobs().getSchema()));
    }

    /** From the first moment the context closes, this instance accepts no new job (others still do). */
    @Bean
    ApplicationListener<ContextClosedEvent> pgkeepClusterJobsRefuseOnShutdown(ClusterJobs jobs) {
        return event -> jobs.beginShutdown();
    }

    /**
     * Starts picking jobs once every bean (the controller that binds the worker) exists. Stops first among the
     * lifecycle beans, before the web server, so that clients can poll running jobs while shutdown waits for them.
     */
    @Bean
    SmartLifecycle pgkeepClusterJobsLifecycle(ClusterJobs jobs) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                jobs.start();
                running = true;
            }

            @Override
            public void stop() {
                jobs.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    private static String defaultInstanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
