package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.spring.jobs.PgkeepJobs;
import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Ends pgkeep's jobs with the application context, at the very start of its close: before the lifecycle phases
 * (the web server's graceful shutdown, {@code spring.lifecycle.timeout-per-shutdown-phase}) and before any bean is
 * destroyed, so a running restore still has its storage client, tools and database. {@link #refuse} runs first (new
 * jobs are refused from then on, also by other listeners), {@link #await} last (it waits for the running jobs,
 * without limit unless {@code pgkeep.jobs.shutdown-timeout} is set).
 */
final class PgkeepJobsShutdown implements ApplicationListener<ContextClosedEvent>, ApplicationContextAware, Ordered {
    private final PgkeepJobs jobs;
    private final boolean await;
    private ApplicationContext context;

    private PgkeepJobsShutdown(PgkeepJobs jobs, boolean await) {
        this.jobs = jobs;
        this.await = await;
    }

    /** Refuses new jobs as soon as the context starts to close. */
    static PgkeepJobsShutdown refuse(PgkeepJobs jobs) {
        return new PgkeepJobsShutdown(jobs, false);
    }

    /** Waits for the running jobs, after every other listener of the close. */
    static PgkeepJobsShutdown await(PgkeepJobs jobs) {
        return new PgkeepJobsShutdown(jobs, true);
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
        this.context = applicationContext;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != context) {
            return; // a child context (e.g. the management server's) closing is not the application stopping
        }
        if (await) {
            jobs.awaitRunningJobs();
        } else {
            jobs.beginShutdown();
        }
    }

    @Override
    public int getOrder() {
        return await ? Ordered.LOWEST_PRECEDENCE : Ordered.HIGHEST_PRECEDENCE;
    }
}
