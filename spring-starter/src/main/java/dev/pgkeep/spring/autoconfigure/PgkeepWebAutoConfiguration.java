package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.jobs.PgkeepJobs;
import dev.pgkeep.spring.web.AdminAccessInterceptor;
import dev.pgkeep.spring.web.AdminSettings;
import dev.pgkeep.spring.web.PgkeepAdminController;
import dev.pgkeep.spring.web.PgkeepProblemAdvice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The admin endpoints ({@code pgkeep.admin.*}) in a servlet web application. They are secured through the host's
 * Spring Security (fail closed: without Spring Security on the classpath they are not registered unless
 * {@code pgkeep.admin.allow-unsecured=true}).
 */
@AutoConfiguration(after = PgkeepAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
@ConditionalOnBean(BackupService.class)
@ConditionalOnBooleanProperty(name = "pgkeep.admin.enabled", matchIfMissing = true)
public final class PgkeepWebAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PgkeepWebAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    PgkeepJobs pgkeepJobs(PgkeepProperties properties, Clock clock) {
        PgkeepProperties.Jobs jobs = properties.getJobs();
        return new PgkeepJobs(
                jobs.getThreads(),
                jobs.getQueueCapacity(),
                jobs.getKeepFinishedFor(),
                clock,
                jobs.getShutdownTimeout());
    }

    @Bean
    @ConditionalOnMissingBean(name = "pgkeepJobsRefuseOnShutdown")
    PgkeepJobsShutdown pgkeepJobsRefuseOnShutdown(PgkeepJobs jobs) {
        return PgkeepJobsShutdown.refuse(jobs);
    }

    @Bean
    @ConditionalOnMissingBean(name = "pgkeepJobsAwaitOnShutdown")
    PgkeepJobsShutdown pgkeepJobsAwaitOnShutdown(PgkeepJobs jobs) {
        return PgkeepJobsShutdown.await(jobs);
    }

    @Bean
    @ConditionalOnMissingBean
    AdminSettings pgkeepAdminSettings(PgkeepProperties properties, Environment environment) {
        String basePath = properties.getAdmin().getBasePath();
        if (!basePath.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalStateException("pgkeep.admin.base-path must look like /admin/db (a leading slash, no"
                    + " trailing slash, no wildcards); got '" + basePath + "'.");
        }
        Path temp = properties.getRestore().getTempDir() != null
                ? properties.getRestore().getTempDir()
                : Path.of(System.getProperty("java.io.tmpdir"));
        return new AdminSettings(
                basePath,
                isProduction(properties, environment),
                properties.getRestore().isSafetyBackup(),
                properties.getAdmin().getMaxUploadSize().toBytes(),
                temp);
    }

    /** Production when pgkeep.environment says so or a prod/production profile is active. */
    static boolean isProduction(PgkeepProperties properties, Environment environment) {
        String declared = properties.getEnvironment();
        if (declared != null && declared.trim().toLowerCase(Locale.ROOT).equals("production")) {
            return true;
        }
        return Arrays.stream(environment.getActiveProfiles())
                .map(p -> p.toLowerCase(Locale.ROOT))
                .anyMatch(p -> p.equals("prod") || p.equals("production"));
    }

    /** With Spring Security: the endpoints, behind the authority check. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
    static class SecuredAdminConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PgkeepAdminController pgkeepAdminController(
                BackupService service, PgkeepDatabases databases, PgkeepJobs jobs, AdminSettings settings) {
            return new PgkeepAdminController(service, databases, jobs, settings);
        }

        @Bean
        @ConditionalOnMissingBean
        PgkeepProblemAdvice pgkeepProblemAdvice() {
            return new PgkeepProblemAdvice();
        }

        @Bean
        @ConditionalOnMissingBean(name = "pgkeepAdminAccess")
        WebMvcConfigurer pgkeepAdminAccess(PgkeepProperties properties) {
            AdminAccessInterceptor interceptor =
                    new AdminAccessInterceptor(properties.getAdmin().getRequiredAuthority());
            String base = properties.getAdmin().getBasePath();
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor).addPathPatterns(base, base + "/**");
                }
            };
        }
    }

    /** Without Spring Security: only when explicitly allowed, and loudly. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.security.core.context.SecurityContextHolder")
    @ConditionalOnBooleanProperty(name = "pgkeep.admin.allow-unsecured")
    static class UnsecuredAdminConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PgkeepAdminController pgkeepAdminController(
                BackupService service,
                PgkeepDatabases databases,
                PgkeepJobs jobs,
                AdminSettings settings,
                PgkeepProperties properties) {
            log.warn(
                    "pgkeep admin endpoints under {} are NOT secured (pgkeep.admin.allow-unsecured=true and no"
                            + " Spring Security): anyone who can reach them can restore over your database.",
                    properties.getAdmin().getBasePath());
            return new PgkeepAdminController(service, databases, jobs, settings);
        }

        @Bean
        @ConditionalOnMissingBean
        PgkeepProblemAdvice pgkeepProblemAdvice() {
            return new PgkeepProblemAdvice();
        }
    }
}
