package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.PgkeepStartupException;
import dev.pgkeep.spring.jobs.ClusterJobs;
import dev.pgkeep.spring.jobs.PgkeepJobs;
import dev.pgkeep.spring.web.AdminAccess;
import dev.pgkeep.spring.web.AdminJobs;
import dev.pgkeep.spring.web.AdminSettings;
import dev.pgkeep.spring.web.SpringSecurityAdminAccess;
import dev.pgkeep.spring.web.UploadPermits;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorizationManager;

/**
 * The admin endpoints ({@code pgkeep.admin.*}) in a servlet web application. They are secured through the host's
 * Spring Security by a servlet filter no MVC configuration can leave out (fail closed: without Spring Security on the
 * classpath they are not registered unless {@code pgkeep.admin.allow-unsecured=true}).
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

    /** Every job the admin API or the Actuator endpoint submits, on the shared engine when there is one. */
    @Bean
    @ConditionalOnMissingBean
    AdminJobs pgkeepAdminJobs(
            BackupService service,
            PgkeepDatabases databases,
            PgkeepJobs jobs,
            ObjectProvider<ClusterJobs> shared,
            AdminSettings settings) {
        ClusterJobs cluster = shared.getIfAvailable();
        return new AdminJobs(service, databases, cluster != null ? cluster : jobs, settings);
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
            throw new PgkeepStartupException(
                    "pgkeep.admin.base-path is '" + basePath + "'.",
                    "pgkeep.admin.base-path must look like /admin/db (a leading slash, no trailing slash, no"
                            + " wildcards).");
        }
        Path temp = properties.getRestore().getTempDir() != null
                ? properties.getRestore().getTempDir()
                : Path.of(System.getProperty("java.io.tmpdir"));
        return new AdminSettings(
                basePath,
                isProduction(properties, environment),
                properties.getRestore().isSafetyBackup(),
                properties.getAdmin().getMaxUploadSize().toBytes(),
                temp,
                List.copyOf(properties.getRestore().getAllowedTargets()));
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

    @Bean
    @ConditionalOnMissingBean
    UploadPermits pgkeepUploadPermits(PgkeepProperties properties) {
        return new UploadPermits(properties.getAdmin().getMaxConcurrentUploads());
    }

    /** With Spring Security: the caller needs the authority (through the host's role hierarchy, if any). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
    @Import(AdminEndpointsConfiguration.class)
    static class SecuredAdminConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AdminAccess pgkeepAdminAccess(
                PgkeepProperties properties,
                ObjectProvider<RoleHierarchy> roleHierarchy,
                @Qualifier("pgkeepAdminAuthorizationManager")
                        ObjectProvider<AuthorizationManager<HttpServletRequest>> custom) {
            String required = properties.getAdmin().getRequiredAuthority();
            AuthorizationManager<HttpServletRequest> manager = custom.getIfAvailable(
                    () -> SpringSecurityAdminAccess.authorityManager(required, roleHierarchy.getIfUnique()));
            return new SpringSecurityAdminAccess(required, manager);
        }
    }

    /** Without Spring Security: only when explicitly allowed, and loudly; cross-site and upload checks still apply. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.security.core.context.SecurityContextHolder")
    @ConditionalOnBooleanProperty(name = "pgkeep.admin.allow-unsecured")
    @Import(AdminEndpointsConfiguration.class)
    static class UnsecuredAdminConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AdminAccess pgkeepAdminAccess(PgkeepProperties properties) {
            log.warn(
                    "pgkeep admin endpoints under {} are NOT secured (pgkeep.admin.allow-unsecured=true and no"
                            + " Spring Security): anyone who can reach them can restore over your database.",
                    properties.getAdmin().getBasePath());
            return AdminAccess.unsecured();
        }
    }
}
