package dev.pgkeep.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.spring.FakeTools;
import dev.pgkeep.spring.PgkeepStartupException;
import dev.pgkeep.spring.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * Each kind of pgkeep start-up failure, as Boot's failure analyzers see the context's failure: a
 * {@link FailureAnalysis} with pgkeep's description and action.
 */
class PgkeepStartupFailureAnalyzerTest {
    private static final AutoConfigurations PGKEEP = AutoConfigurations.of(
            PgkeepAutoConfiguration.class, PgkeepSchedulerAutoConfiguration.class, PgkeepWebAutoConfiguration.class);

    static String database;

    @TempDir
    Path repo;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_fa");
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withBean(ProcessRunner.class, () -> new FakeTools("15.18"));
    }

    private FailureAnalysis analysisOf(ApplicationContextRunner runner) {
        FailureAnalysis[] result = new FailureAnalysis[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            result[0] = new PgkeepStartupFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(result[0]).as("pgkeep's analyzer recognises the failure").isNotNull();
        return result[0];
    }

    @Test
    void noRepository() {
        FailureAnalysis analysis = analysisOf(runner());
        assertThat(analysis.getDescription()).startsWith("pgkeep.repository is not set");
        assertThat(analysis.getAction()).contains("s3://bucket/prefix").contains("pgkeep.enabled=false");
        assertThat(analysis.getCause()).isInstanceOf(PgkeepStartupException.class);
    }

    @Test
    void unknownUrlParameter() {
        FailureAnalysis analysis =
                analysisOf(runner().withPropertyValues("pgkeep.repository=s3://bucket/p?storage-clas=GLACIER"));
        assertThat(analysis.getDescription()).startsWith("pgkeep.repository: ").contains("storage-clas");
        assertThat(analysis.getAction()).startsWith("Fix pgkeep.repository");
    }

    @Test
    void badCron() {
        FailureAnalysis analysis =
                analysisOf(runner().withPropertyValues("pgkeep.repository=" + repo, "pgkeep.schedule.cron=nightly"));
        assertThat(analysis.getDescription()).contains("pgkeep.schedule.cron 'nightly' is not a valid cron");
        assertThat(analysis.getAction()).contains("six fields");
    }

    @Test
    void copyWithoutRepository() {
        FailureAnalysis analysis = analysisOf(
                runner().withPropertyValues("pgkeep.repository=" + repo, "pgkeep.copies[0].retention.keep-days=3"));
        assertThat(analysis.getDescription()).startsWith("pgkeep.copies[0].repository is not set");
        assertThat(analysis.getAction()).contains("remove pgkeep.copies[0]");
    }

    @Test
    void drillServerUrl() {
        FailureAnalysis analysis = analysisOf(runner().withPropertyValues(
                        "pgkeep.repository=" + repo, "pgkeep.drill.enabled=true", "pgkeep.drill.server=mysql://x/y"));
        assertThat(analysis.getDescription()).startsWith("pgkeep.drill.server: ");
        assertThat(analysis.getAction()).contains("postgresql://");
    }

    @Test
    void badDatabaseUrl() {
        FailureAnalysis analysis = analysisOf(
                runner().withPropertyValues("pgkeep.repository=" + repo, "pgkeep.database.url=jdbc:mysql://x/y"));
        assertThat(analysis.getDescription()).startsWith("pgkeep.database.url: ");
        assertThat(analysis.getAction()).startsWith("Fix pgkeep.database.url");
    }

    @Test
    void badAdminBasePath() {
        new WebApplicationContextRunner()
                .withConfiguration(PGKEEP)
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withBean(ProcessRunner.class, () -> new FakeTools("15.18"))
                .withPropertyValues("pgkeep.repository=" + repo, "pgkeep.admin.base-path=/admin/**")
                .run(context -> {
                    FailureAnalysis analysis = new PgkeepStartupFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("'/admin/**'");
                    assertThat(analysis.getAction()).contains("/admin/db");
                });
    }

    @Test
    void signingWithoutCryptoGpg() {
        FailureAnalysis analysis = analysisOf(runner().withClassLoader(
                        new org.springframework.boot.test.context.FilteredClassLoader("dev.pgkeep.crypto.gpg"))
                .withPropertyValues("pgkeep.repository=" + repo, "pgkeep.signing.private-key=file:/nonexistent.asc"));
        assertThat(analysis.getDescription()).contains("pgkeep-crypto-gpg is not on the classpath");
        assertThat(analysis.getAction()).contains("dev.pgkeep:pgkeep-crypto-gpg");
    }

    @Test
    void noToolsOnAPlainHostSaysWhatToInstall() {
        PgkeepStartupException e = PgkeepStartupCheck.noTools("pg_dump was not found.", null);
        FailureAnalysis analysis = new PgkeepStartupFailureAnalyzer().analyze(e);
        assertThat(analysis.getDescription()).startsWith("pgkeep finds no pg_dump: pg_dump was not found.");
        assertThat(analysis.getDescription()).doesNotContain("image");
        assertThat(analysis.getAction()).contains("postgresql-client").contains("pgkeep.tools.bin-dir");
    }

    @Test
    void noToolsInAContainerNamesTheImageProblem(@TempDir Path empty) throws IOException {
        // a real start-up check with tools that find nothing, in a (simulated) Kubernetes pod
        PgkeepProperties properties = new PgkeepProperties();
        ProcessRunner nothing = (command, env, dir) -> {
            throw new IOException("Cannot run program \"" + command.get(0) + "\": error=2, No such file or directory");
        };
        String container = ContainerEnvironment.detect(empty, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"));
        PgkeepStartupCheck check = new PgkeepStartupCheck(
                properties,
                new dev.pgkeep.spring.PgkeepDatabases(
                        java.util.List.of(dev.pgkeep.core.DatabaseConnection.parse(TestDatabases.jdbcUrl(database)))),
                new dev.pgkeep.core.storage.LocalStorageAdapter(repo),
                null,
                nothing,
                container);
        PgkeepStartupException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                PgkeepStartupException.class, check::afterPropertiesSet);
        assertThat(e.description()).contains("runs in a Kubernetes pod").contains("Buildpack and Jib images");
        assertThat(e.action()).contains("postgresql-client-NN").contains("ProcessRunner");
    }

    @Test
    void containerDetection(@TempDir Path root) throws IOException {
        assertThat(ContainerEnvironment.detect(root, Map.of())).isNull();
        Files.createDirectories(root.resolve("proc/1"));
        Files.writeString(root.resolve("proc/1/cgroup"), "0::/\n");
        assertThat(ContainerEnvironment.detect(root, Map.of())).isNull();
        Files.writeString(root.resolve("proc/1/cgroup"), "12:memory:/kubepods/burstable/pod1234/abcd\n");
        assertThat(ContainerEnvironment.detect(root, Map.of())).isEqualTo("a container");
        Files.createFile(root.resolve(".dockerenv"));
        assertThat(ContainerEnvironment.detect(root, Map.of())).isEqualTo("a Docker container");
    }
}
