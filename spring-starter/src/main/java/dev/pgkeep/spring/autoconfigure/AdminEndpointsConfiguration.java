package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.web.AdminAccess;
import dev.pgkeep.spring.web.AdminJobs;
import dev.pgkeep.spring.web.AdminRequestGuard;
import dev.pgkeep.spring.web.AdminSettings;
import dev.pgkeep.spring.web.PgkeepAdminController;
import dev.pgkeep.spring.web.PgkeepProblemAdvice;
import dev.pgkeep.spring.web.UploadPermits;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The admin endpoints, their problem details and their guard, once an {@link AdminAccess} decides who may call them.
 * The guard is a servlet filter on the base path (under {@code spring.mvc.servlet.path}) ordered right after Spring
 * Security's filter chain ({@code spring.security.filter.order} + 1): it sees the authenticated caller and runs before
 * Spring MVC, so no MVC configuration can leave it out, and before a multipart body is parsed.
 */
@Configuration(proxyBeanMethods = false)
class AdminEndpointsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminRequestGuard pgkeepAdminRequestGuard(
            AdminAccess access, AdminSettings settings, UploadPermits permits, PgkeepProperties properties) {
        return new AdminRequestGuard(access, properties.getAdmin().getAllowedOrigins(), permits, settings);
    }

    @Bean
    @ConditionalOnMissingBean(name = "pgkeepAdminRequestGuardRegistration")
    FilterRegistrationBean<AdminRequestGuard> pgkeepAdminRequestGuardRegistration(
            AdminRequestGuard guard, AdminSettings settings, Environment environment) {
        String servletPath = environment.getProperty("spring.mvc.servlet.path", "/");
        String prefix = servletPath.replaceAll("/\\*?$", "");
        String base = prefix + settings.basePath();
        FilterRegistrationBean<AdminRequestGuard> registration = new FilterRegistrationBean<>(guard);
        registration.setName("pgkeepAdminRequestGuard");
        registration.addUrlPatterns(base, base + "/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE);
        registration.setOrder(environment.getProperty("spring.security.filter.order", Integer.class, -100) + 1);
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    PgkeepAdminController pgkeepAdminController(
            BackupService service,
            AdminJobs jobs,
            AdminSettings settings,
            AdminRequestGuard guard,
            UploadPermits permits) {
        return new PgkeepAdminController(service, jobs, settings, guard, permits);
    }

    @Bean
    @ConditionalOnMissingBean
    PgkeepProblemAdvice pgkeepProblemAdvice() {
        return new PgkeepProblemAdvice();
    }
}
