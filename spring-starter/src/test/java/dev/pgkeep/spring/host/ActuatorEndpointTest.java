package dev.pgkeep.spring.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.TestDatabases;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/pgkeep} and {@code /actuator/scheduledtasks} in a real host whose own security guards the endpoint
 * with {@link EndpointRequest} (role ADMIN), as the docs tell hosts to; JWTs, PostgreSQL and pg_dump are real.
 */
@SpringBootTest(
        classes = {TestHostApplication.class, ActuatorEndpointTest.ActuatorSecurity.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorEndpointTest {
    static final String database = TestDatabases.createSample("starter_actuator");
    static final String ADMIN = AdminClient.token("carol", "ADMIN");
    static final String USER = AdminClient.token("dave", "USER");
    static final String BACKUP_CRON = "0 15 3 * * *";
    static final String DRILL_CRON = "0 45 4 * * SUN";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path repo = Files.createTempDirectory("pgkeep-actuator-repo");
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.cron", () -> BACKUP_CRON);
        registry.add("pgkeep.schedule.zone", () -> "Europe/Paris");
        registry.add("pgkeep.drill.enabled", () -> "true");
        registry.add("pgkeep.drill.cron", () -> DRILL_CRON);
        registry.add("management.endpoints.web.exposure.include", () -> "pgkeep,scheduledtasks");
        registry.add("spring.jmx.enabled", () -> "true");
        registry.add("management.endpoints.jmx.exposure.include", () -> "pgkeep");
    }

    /** The host's own rule for its Actuator: pgkeep's endpoint needs ROLE_ADMIN, the others are open. */
    @TestConfiguration(proxyBeanMethods = false)
    static class ActuatorSecurity {
        @Bean
        @Order(1)
        SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
            http.securityMatcher(EndpointRequest.toAnyEndpoint())
                    .authorizeHttpRequests(a -> a.requestMatchers(EndpointRequest.to("pgkeep"))
                            .hasRole("ADMIN")
                            .anyRequest()
                            .permitAll());
            return TestHostApplication.statelessJwt(http).build();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    TestHostApplication.RecordingAuditSink audit;

    @Autowired
    MeterRegistry meters;

    AdminClient client;

    @BeforeEach
    void client() {
        client = new AdminClient(port);
    }

    @Test
    void readListsTheDatabaseWithItsNextScheduledBackupAndDrill() {
        assertThat(client.get("/actuator/pgkeep", null).status()).isEqualTo(401);
        assertThat(client.get("/actuator/pgkeep", USER).status()).isEqualTo(403);

        Instant before = Instant.now();
        AdminClient.Answer read = client.get("/actuator/pgkeep", ADMIN);
        assertThat(read.status()).isEqualTo(200);
        JsonNode db = read.json().path("databases").get(0);
        assertThat(db.path("name").asText()).isEqualTo(database);
        ZoneId paris = ZoneId.of("Europe/Paris");
        Instant nextBackup = Instant.parse(db.path("nextBackup").asText());
        Instant nextDrill = Instant.parse(db.path("nextDrill").asText());
        assertThat(nextBackup).isEqualTo(next(BACKUP_CRON, before, paris));
        assertThat(nextBackup.atZone(paris).getHour()).isEqualTo(3);
        assertThat(nextDrill).isEqualTo(next(DRILL_CRON, before, paris));
        assertThat(db.path("backups").isArray()).isTrue();
    }

    @Test
    void anUnauthenticatedPostIsRefusedAndAnAdminsPostRunsABackupJobThatTheReadShows() {
        long observedBefore = observedBackups();
        int events = audit.events.size();
        assertThat(client.postJson("/actuator/pgkeep", null, "{}").status()).isEqualTo(401);
        assertThat(client.postJson("/actuator/pgkeep", USER, "{}").status()).isEqualTo(403);
        assertThat(audit.events.subList(events, audit.events.size()))
                .noneMatch(e -> e.operation() == BackupEvent.Operation.BACKUP);

        AdminClient.Answer started = client.postJson("/actuator/pgkeep", ADMIN, "{\"database\":\"" + database + "\"}");
        assertThat(started.status()).as(started.raw().body()).isEqualTo(200);
        assertThat(started.json().path("type").asText()).isEqualTo("backup");
        assertThat(started.json().path("database").asText()).isEqualTo(database);
        String jobId = started.json().path("id").asText();

        JsonNode job = client.awaitJob("/admin/db/jobs/" + jobId, ADMIN);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        String backupId = job.path("result").path("id").asText();
        assertThat(audit.events)
                .filteredOn(e -> backupId.equals(e.backupId()) && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("carol"));

        JsonNode db =
                client.get("/actuator/pgkeep", ADMIN).json().path("databases").get(0);
        assertThat(db.path("backups").findValuesAsText("id")).contains(backupId);
        JsonNode listed = db.path("backups").get(0);
        assertThat(listed.path("id").asText()).isEqualTo(backupId);
        assertThat(listed.path("storedBytes").asLong()).isPositive();
        assertThat(listed.path("completedAt").asText()).endsWith("Z");
        assertThat(db.path("lastRun").path("succeeded").asBoolean()).isTrue();
        assertThat(db.path("lastRun").path("backupId").asText()).isEqualTo(backupId);

        // observed through the host's ObservationRegistry: Boot's meter handler made a timer and a long-task timer
        assertThat(observedBackups()).isEqualTo(observedBefore + 1);
        assertThat(meters.get("pgkeep.backup.active").longTaskTimer().activeTasks())
                .isZero();

        AdminClient.Answer unknown = client.postJson("/actuator/pgkeep", ADMIN, "{\"database\":\"nope\"}");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void aPostWhileABackupRunsAnswersThatJobAndTheRunningBackupIsAnActiveLongTask() {
        audit.release = new CountDownLatch(1);
        String holder = AdminClient.token("holder", "ADMIN");
        String first;
        try {
            first = client.postJson("/actuator/pgkeep", holder, "{}")
                    .json()
                    .path("id")
                    .asText();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> audit.events.stream()
                            .anyMatch(e -> "holder".equals(e.actor()) && e.phase() == BackupEvent.Phase.STARTED));
            LongTaskTimer active =
                    meters.get("pgkeep.backup.active").tag("database", database).longTaskTimer();
            assertThat(active.activeTasks()).isEqualTo(1);

            JsonNode second = client.postJson("/actuator/pgkeep", ADMIN, "{}").json();
            assertThat(second.path("id").asText()).isEqualTo(first);
            assertThat(second.path("status").asText()).isEqualTo("running");
        } finally {
            audit.release.countDown();
        }
        assertThat(client.awaitJob("/admin/db/jobs/" + first, ADMIN)
                        .path("status")
                        .asText())
                .isEqualTo("succeeded");
        assertThat(meters.get("pgkeep.backup.active")
                        .tag("database", database)
                        .longTaskTimer()
                        .activeTasks())
                .isZero();
    }

    private long observedBackups() {
        Timer timer = meters.find("pgkeep.backup")
                .tag("database", database)
                .tag("outcome", "success")
                .tag("trigger", "api")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void scheduledTasksListsPgkeepsBackupAndDrillWithTheirCron() {
        AdminClient.Answer tasks = client.get("/actuator/scheduledtasks", null);
        assertThat(tasks.status()).isEqualTo(200);
        JsonNode cron = tasks.json().path("cron");
        assertThat(cron.findValuesAsText("expression")).contains(BACKUP_CRON, DRILL_CRON);
        assertThat(cron.findValuesAsText("target"))
                .contains("pgkeep scheduled backup (pgkeep.schedule.cron)", "pgkeep restore drill (pgkeep.drill.cron)");
        // each listed once: no second scheduler runs them
        assertThat(cron.findValuesAsText("target"))
                .filteredOn(t -> t.startsWith("pgkeep scheduled backup"))
                .hasSize(1);
    }

    @Test
    void theEndpointIsAnMBeanWhoseReadOperationListsTheDatabase() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names =
                server.queryNames(new ObjectName("org.springframework.boot:type=Endpoint,name=Pgkeep,*"), null);
        assertThat(names).isNotEmpty();
        Object result = server.invoke(names.iterator().next(), "pgkeep", new Object[0], new String[0]);
        assertThat(result).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> databases =
                (List<Map<String, Object>>) ((Map<String, Object>) result).get("databases");
        assertThat(databases).extracting(d -> d.get("name")).contains(database);
    }

    private static Instant next(String cron, Instant after, ZoneId zone) {
        return CronExpression.parse(cron).next(after.atZone(zone)).toInstant();
    }
}
