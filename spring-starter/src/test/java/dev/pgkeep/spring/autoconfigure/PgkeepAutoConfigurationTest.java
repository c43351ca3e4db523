package dev.pgkeep.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.spring.FakeTools;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.health.PgkeepHealthIndicator;
import dev.pgkeep.spring.schedule.ScheduleClaim;
import dev.pgkeep.spring.schedule.ScheduledBackups;
import dev.pgkeep.spring.web.AdminAccess;
import dev.pgkeep.spring.web.AdminRequestGuard;
import dev.pgkeep.spring.web.PgkeepAdminController;
import dev.pgkeep.testsupport.PostgresServer;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

class PgkeepAutoConfigurationTest {
    private static final AutoConfigurations PGKEEP = AutoConfigurations.of(
            PgkeepAutoConfiguration.class,
            PgkeepWebAutoConfiguration.class,
            PgkeepSchedulerAutoConfiguration.class,
            PgkeepHealthAutoConfiguration.class,
            PgkeepMetricsAutoConfiguration.class);

    static String database;

    @TempDir
    Path repo;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_ac");
    }

    /**
     * The starter on a host whose PostgreSQL tools are {@link FakeTools}: for tests of the wiring, which need no
     * program to run and no server to answer.
     */
    private ApplicationContextRunner runner() {
        return realTools().withBean(ProcessRunner.class, () -> new FakeTools("15.18"));
    }

    /** The starter with the real tools and server, for tests of what they answer. */
    private ApplicationContextRunner realTools() {
        return new ApplicationContextRunner()
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues("pgkeep.repository=" + repo);
    }

    @Test
    void defaultsWireAServiceOnTheHostDatabaseWithLocalStorageScheduleAndHealth() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            // the start-up check asked the host's (fake) tools, and nothing else ran
            assertThat(((FakeTools) context.getBean(ProcessRunner.class)).commands)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(String.join(" ", c)).containsAnyOf("--version", "SHOW server_version"));
            assertThat(context).hasSingleBean(BackupService.class);
            assertThat(context.getBean(StorageAdapter.class)).isInstanceOf(LocalStorageAdapter.class);
            assertThat(context.getBean(StorageAdapter.class).describe()).contains(repo.toString());
            DatabaseConnection primary = context.getBean(PgkeepDatabases.class).primary();
            assertThat(primary.database()).isEqualTo(database);
            assertThat(primary.user()).isEqualTo("postgres");
            assertThat(primary.password()).isNotNull();
            assertThat(context.getBean(Codec.class).name()).isEqualTo("zstd");
            assertThat(context.getBean(Codec.class).level()).isEqualTo(Codec.DEFAULT_ZSTD_LEVEL);
            assertThat(context).hasSingleBean(ScheduledBackups.class);
            assertThat(context.getBean(ScheduledBackups.class).isRunning()).isTrue();
            assertThat(context).hasSingleBean(PgkeepHealthIndicator.class);
            PgkeepProperties props = context.getBean(PgkeepProperties.class);
            assertThat(props.getSchedule().getCron()).isEqualTo("0 0 2 * * *");
            assertThat(props.getSchedule().getZone()).isEqualTo("UTC");
            assertThat(props.getRetention().getKeepDays()).isEqualTo(7);
            assertThat(props.getRetention().getKeepMin()).isEqualTo(1);
            assertThat(props.getAdmin().getBasePath()).isEqualTo("/admin/db");
            assertThat(props.getAdmin().getRequiredAuthority()).isEqualTo("ROLE_ADMIN");
            assertThat(props.getHealth().getMaxAge()).hasHours(26);
            // not a web application: no endpoints
            assertThat(context).doesNotHaveBean(PgkeepAdminController.class);
        });
    }

    @Test
    void propertiesOverrideTheDefaults() {
        String other = TestDatabases.createSample("starter_ov");
        runner().withPropertyValues(
                        "pgkeep.database.url=" + TestDatabases.jdbcUrl(other),
                        "pgkeep.databases[0].url=" + TestDatabases.jdbcUrl(database),
                        "pgkeep.compression.codec=gzip",
                        "pgkeep.compression.level=9",
                        "pgkeep.schedule.enabled=false",
                        "pgkeep.repository=file://" + repo.resolve("sub"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    PgkeepDatabases dbs = context.getBean(PgkeepDatabases.class);
                    assertThat(dbs.primary().database()).isEqualTo(other);
                    assertThat(dbs.all())
                            .extracting(DatabaseConnection::database)
                            .containsExactly(other, database);
                    assertThat(dbs.byName(database).orElseThrow().user()).isEqualTo("postgres");
                    assertThat(context.getBean(Codec.class).name()).isEqualTo("gzip");
                    assertThat(context.getBean(Codec.class).level()).isEqualTo(9);
                    assertThat(context).doesNotHaveBean(ScheduledBackups.class);
                    assertThat(context.getBean(StorageAdapter.class).describe()).contains("sub");
                    assertThat(Files.isDirectory(repo.resolve("sub"))).isTrue();
                });
    }

    @Test
    void calendarRetentionPropertiesBecomeThePolicyAndBadCountsStopTheStart() {
        runner().withPropertyValues(
                        "pgkeep.retention.keep-days=0",
                        "pgkeep.retention.keep-daily=7",
                        "pgkeep.retention.keep-weekly=4",
                        "pgkeep.retention.keep-monthly=12",
                        "pgkeep.retention.keep-yearly=3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgkeepProperties.class)
                                    .getRetention()
                                    .toPolicy())
                            .isEqualTo(new RetentionPolicy(0, 1, 7, 4, 12, 3));
                });
        runner().withPropertyValues("pgkeep.retention.keep-monthly=-1")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("keep-monthly"));
    }

    @Test
    void userBeansWin() {
        runner().withUserConfiguration(UserBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(StorageAdapter.class)).isSameAs(UserBeans.STORAGE);
            assertThat(context.getBean(Codec.class).name()).isEqualTo("none");
            assertThat(context.getBean(ScheduleClaim.class)).isSameAs(UserBeans.CLAIM);
        });
    }

    @Test
    void offSwitchRemovesEverything() {
        runner().withPropertyValues("pgkeep.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(BackupService.class);
            assertThat(context).doesNotHaveBean(ScheduledBackups.class);
            assertThat(context).doesNotHaveBean(PgkeepHealthIndicator.class);
        });
    }

    @Test
    void missingRepositoryFailsWithAClearMessage() {
        new ApplicationContextRunner()
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pgkeep.repository is not set"));
    }

    @Test
    void s3RepositoryWithoutTheS3ModuleFailsWithAClearMessage() {
        runner().withPropertyValues("pgkeep.repository=s3://bucket/prefix")
                .withClassLoader(new FilteredClassLoader("dev.pgkeep.storage.s3"))
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("pgkeep-storage-s3"));
    }

    @Test
    void missingPgDumpFailsFastAtStartUp(@TempDir Path emptyBin) {
        realTools()
                .withPropertyValues("pgkeep.tools.bin-dir=" + emptyBin)
                .run(context -> assertThat(context)
                        .getFailure()
                        // core states the problem, the starter names its own setting
                        .hasStackTraceContaining("No pg_dump")
                        .hasStackTraceContaining("pgkeep.tools.bin-dir"));
    }

    @Test
    void aPgDumpOlderThanTheServerFailsFastNamingBothVersions(@TempDir Path bin) throws Exception {
        Path real = TestDatabases.server().binDir();
        Files.createSymbolicLink(bin.resolve("psql"), real.resolve("psql"));
        Files.createSymbolicLink(bin.resolve("pg_restore"), real.resolve("pg_restore"));
        Path oldDump = Files.writeString(bin.resolve("pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        oldDump.toFile().setExecutable(true);
        realTools()
                .withPropertyValues("pgkeep.tools.bin-dir=" + bin)
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("pg_dump 9.6")
                        .hasStackTraceContaining("is older than the server"));
    }

    @Test
    void productionFromTheEnvironmentPropertyOrAProdProfile() {
        PgkeepProperties properties = new PgkeepProperties();
        MockEnvironment environment = new MockEnvironment();
        assertThat(PgkeepWebAutoConfiguration.isProduction(properties, environment))
                .isFalse();
        properties.setEnvironment("Production");
        assertThat(PgkeepWebAutoConfiguration.isProduction(properties, environment))
                .isTrue();
        properties.setEnvironment("staging");
        environment.setActiveProfiles("cloud", "production");
        assertThat(PgkeepWebAutoConfiguration.isProduction(properties, environment))
                .isTrue();
        environment.setActiveProfiles("prod");
        assertThat(PgkeepWebAutoConfiguration.isProduction(properties, environment))
                .isTrue();
        environment.setActiveProfiles("preprod");
        assertThat(PgkeepWebAutoConfiguration.isProduction(properties, environment))
                .isFalse();
    }

    @Test
    void unreachableDatabaseFailsFastUnlessFailFastIsOff() {
        realTools()
                .withPropertyValues("pgkeep.database.url=jdbc:postgresql://127.0.0.1:1/nowhere")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("cannot reach database postgres@127.0.0.1:1/nowhere")
                        .hasStackTraceContaining("Connection refused")
                        .hasMessageNotContaining(TestDatabases.server().password()));
        runner().withPropertyValues(
                        "pgkeep.database.url=jdbc:postgresql://127.0.0.1:1/nowhere", "pgkeep.fail-fast=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theHostsSslTrueMeansVerifiedTlsForTheToolsAndUnknownParametersFailNamingTheProperty() {
        runner().withPropertyValues(
                        "pgkeep.database.url=" + TestDatabases.jdbcUrl(database) + "?ssl=true&ApplicationName=shop",
                        "pgkeep.fail-fast=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgkeepDatabases.class).primary().libpqEnvironment())
                            .containsEntry("PGSSLMODE", "verify-full")
                            .containsEntry("PGAPPNAME", "shop");
                });
        // TLS given to the host's pool as driver properties secures its connection: the tools get it too
        runner().withPropertyValues(
                        "spring.datasource.hikari.data-source-properties.ssl=true",
                        "spring.datasource.hikari.data-source-properties.sslrootcert=/etc/pgkeep/ca root.pem",
                        "pgkeep.fail-fast=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgkeepDatabases.class).primary().libpqEnvironment())
                            .containsEntry("PGSSLMODE", "verify-full")
                            .containsEntry("PGSSLROOTCERT", "/etc/pgkeep/ca root.pem");
                });
        runner().withPropertyValues("spring.datasource.hikari.data-source-properties.sslfactory=x.Y")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("spring.datasource.hikari.data-source-properties.*: The database"
                                + " URL's parameter 'sslfactory' is not supported"));
        runner().withPropertyValues("spring.datasource.url=" + TestDatabases.jdbcUrl(database) + "?sslmdoe=require")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("spring.datasource.url: The database URL's parameter 'sslmdoe'")
                        .hasStackTraceContaining("Supported: sslmode"));
    }

    @Test
    void anInvalidCronFailsFastNamingTheProperty() {
        runner().withPropertyValues("pgkeep.schedule.cron=0 2 * * *")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("pgkeep.schedule.cron '0 2 * * *' is not a valid cron expression"));
    }

    @Test
    void unwritableRepositoryFailsFastAtStartUp() throws Exception {
        Path file = Files.writeString(repo.resolve("not-a-folder"), "x");
        runner().withPropertyValues("pgkeep.repository=" + file)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining(file.toString()));
    }

    @Test
    void encryptionKeysWithoutTheOpenPgpModuleFailFast() {
        runner().withPropertyValues("pgkeep.encryption.public-keys=classpath:missing.asc")
                .withClassLoader(new FilteredClassLoader("dev.pgkeep.crypto.gpg"))
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("pgkeep-crypto-gpg"));
    }

    @Test
    void startsWithEachOptionalIntegrationFilteredOut() {
        for (String filtered : List.of(
                "dev.pgkeep.storage.s3",
                "dev.pgkeep.crypto.gpg",
                "dev.pgkeep.metrics.micrometer",
                "io.micrometer",
                "org.springframework.boot.health",
                "org.springframework.security")) {
            runner().withClassLoader(new FilteredClassLoader(filtered)).run(context -> {
                assertThat(context).as("without %s", filtered).hasNotFailed();
                assertThat(context).hasSingleBean(BackupService.class);
            });
        }
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).doesNotHaveBean(PgkeepHealthIndicator.class));
    }

    @Test
    void webEndpointsNeedSpringSecurityUnlessExplicitlyUnsecured() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues("pgkeep.repository=" + repo, "pgkeep.schedule.enabled=false");
        web.run(context -> assertThat(context).hasSingleBean(PgkeepAdminController.class));
        web.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(PgkeepAdminController.class);
                });
        web.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
                .withPropertyValues("pgkeep.admin.allow-unsecured=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(PgkeepAdminController.class);
                    // unsecured still refuses cross-site requests and caps uploads, through the same filter
                    assertThat(context).hasSingleBean(AdminRequestGuard.class);
                    assertThat(context).hasBean("pgkeepAdminRequestGuardRegistration");
                    assertThat(context.getBean(AdminAccess.class).check(new MockHttpServletRequest()))
                            .isNull();
                });
        web.withPropertyValues("pgkeep.admin.base-path=/ops/db/")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("pgkeep.admin.base-path"));
        web.withPropertyValues("pgkeep.admin.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PgkeepAdminController.class));
    }

    @Test
    void aCustomBasePathIsServedAndGuardedWithACustomAuthority() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues(
                        "pgkeep.repository=" + repo,
                        "pgkeep.schedule.enabled=false",
                        "pgkeep.admin.base-path=/ops/backups",
                        "pgkeep.admin.required-authority=SCOPE_db.admin")
                .run(context -> {
                    MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
                    try {
                        mvc.perform(get("/ops/backups/backups")).andExpect(status().isUnauthorized());
                        SecurityContextHolder.getContext()
                                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                                        "carol", "n/a", AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
                        mvc.perform(get("/ops/backups/backups")).andExpect(status().isForbidden());
                        SecurityContextHolder.getContext()
                                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                                        "carol", "n/a", AuthorityUtils.createAuthorityList("SCOPE_db.admin")));
                        mvc.perform(get("/ops/backups/backups"))
                                .andExpect(status().isOk())
                                .andExpect(content().json("[]"));
                        mvc.perform(get("/admin/db/backups")).andExpect(status().isNotFound());
                    } finally {
                        SecurityContextHolder.clearContext();
                    }
                });
    }

    @Test
    void theDataSourceIsTheDefaultDatabaseWhenNoUrlPropertyIsSet() {
        String[] host = TestDatabases.hostProperties(database);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withConfiguration(PGKEEP)
                .withPropertyValues(host)
                .withPropertyValues("pgkeep.repository=" + repo)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgkeepDatabases.class).primary().database())
                            .isEqualTo(database);
                });
    }

    @Test
    void everyBeanOfEveryAutoConfigurationCanBeReplaced() {
        List<String> unguarded = new ArrayList<>();
        List<Class<?>> configurations = new ArrayList<>(List.of(
                PgkeepAutoConfiguration.class,
                PgkeepWebAutoConfiguration.class,
                PgkeepSchedulerAutoConfiguration.class,
                PgkeepHealthAutoConfiguration.class,
                PgkeepMetricsAutoConfiguration.class,
                PgkeepSanitizingAutoConfiguration.class,
                AdminEndpointsConfiguration.class));
        // nested configurations (optional adapters, secured/unsecured admin) too, however deep
        for (int i = 0; i < configurations.size(); i++) {
            configurations.addAll(Arrays.asList(configurations.get(i).getDeclaredClasses()));
        }
        assertThat(configurations).contains(PgkeepWebAutoConfiguration.SecuredAdminConfiguration.class);
        for (Class<?> type : configurations) {
            for (Method m : type.getDeclaredMethods()) {
                boolean bean = m.isAnnotationPresent(Bean.class);
                if (bean && !m.isAnnotationPresent(ConditionalOnMissingBean.class)) {
                    unguarded.add(type.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertThat(unguarded).isEmpty();
        assertThat(Arrays.stream(PgkeepAutoConfiguration.class.getDeclaredMethods())
                        .filter(m -> m.isAnnotationPresent(Bean.class))
                        .count())
                .isGreaterThan(5);
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {
        static final StorageAdapter STORAGE = new LocalStorageAdapter(
                Path.of(System.getProperty("java.io.tmpdir")).resolve("pgkeep-user-storage"));
        static final ScheduleClaim CLAIM = database -> Optional.empty();

        @Bean
        StorageAdapter userStorage() {
            return STORAGE;
        }

        @Bean
        Codec userCodec() {
            return Codec.none();
        }

        @Bean
        ScheduleClaim userClaim() {
            return CLAIM;
        }
    }

    @Test
    void aHostProcessRunnerBeanRunsTheToolsAndCustomizersAdjustTheBuilderInOrder() {
        List<List<String>> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> customized = new java.util.concurrent.CopyOnWriteArrayList<>();
        realTools()
                .withBean(dev.pgkeep.core.spi.ProcessRunner.class, () -> (command, env, dir) -> {
                    ran.add(command);
                    return dev.pgkeep.core.spi.ProcessRunner.local().start(command, env, dir);
                })
                .withBean("second", BackupServiceBuilderCustomizer.class, () -> new OrderedCustomizer(2, customized))
                .withBean("first", BackupServiceBuilderCustomizer.class, () -> new OrderedCustomizer(1, customized))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(customized).containsExactly("1", "2");
                    BackupService service = context.getBean(BackupService.class);
                    service.backup(dev.pgkeep.core.BackupRequest.of(dev.pgkeep.core.Trigger.TEST));
                    assertThat(ran).anySatisfy(c -> assertThat(c.get(0)).endsWith("pg_dump"));
                    assertThat(ran).anySatisfy(c -> assertThat(c.get(0)).endsWith("psql"));
                });
    }

    @Test
    void theLockWaitTimeoutPropertyReachesPgDump() {
        List<List<String>> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        realTools()
                .withPropertyValues("pgkeep.backup.lock-wait-timeout=42s")
                .withBean(dev.pgkeep.core.spi.ProcessRunner.class, () -> (command, env, dir) -> {
                    ran.add(command);
                    return dev.pgkeep.core.spi.ProcessRunner.local().start(command, env, dir);
                })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(BackupService.class)
                            .backup(dev.pgkeep.core.BackupRequest.of(dev.pgkeep.core.Trigger.TEST));
                    assertThat(ran)
                            .filteredOn(c -> c.contains("--format=custom"))
                            .singleElement()
                            .satisfies(c -> assertThat(c).contains("--lock-wait-timeout=42000"));
                });
    }

    /** A customizer that records its turn.*/
    static final class OrderedCustomizer implements BackupServiceBuilderCustomizer, org.springframework.core.Ordered {
        private final int order;
        private final List<String> log;

        OrderedCustomizer(int order, List<String> log) {
            this.order = order;
            this.log = log;
        }

        @Override
        public void customize(dev.pgkeep.core.BackupServiceBuilder builder) {
            log.add(String.valueOf(order));
        }

        @Override
        public int getOrder() {
            return order;
        }
    }

    @Test
    void aHostWhoseOnlyDatabaseSettingsAreJdbcConnectionDetailsBacksUpAndRestores() {
        PostgresServer pg = TestDatabases.server();
        // what Testcontainers' @ServiceConnection or Docker Compose support register: no spring.datasource.* at all
        org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails details =
                new org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails() {
                    @Override
                    public String getUsername() {
                        return pg.superuser();
                    }

                    @Override
                    public String getPassword() {
                        return pg.password();
                    }

                    @Override
                    public String getJdbcUrl() {
                        return TestDatabases.jdbcUrl(database);
                    }
                };
        new ApplicationContextRunner()
                .withConfiguration(PGKEEP)
                .withBean(org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails.class, () -> details)
                .withPropertyValues(
                        "pgkeep.repository=" + repo,
                        "pgkeep.tools.bin-dir=" + pg.binDir(),
                        "pgkeep.schedule.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupService service = context.getBean(BackupService.class);
                    BackupResult backup = service.backup(BackupRequest.of(Trigger.TEST));
                    assertThat(backup.manifest().database()).isEqualTo(database);
                    TestDatabases.assertRestoresAsCopy(service, backup, database);
                });
    }
}
