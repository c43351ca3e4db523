package dev.pgkeep.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.host.AdminClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * pgkeep leaves what belongs to the host alone: Spring Boot's problem details for the host's own controllers, and
 * configuration values shown by Actuator, minus pgkeep's secrets.
 */
@SpringBootTest(classes = Hosts.PermitAll.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostsOwnBehaviourTest {
    static final String database = TestDatabases.createSample("starter_own");
    static final Path repo = AuthorizationMatrix.tempDir();
    static final List<String> SECRETS =
            List.of("url-secret-123", "query-secret-456", "db-secret-789", "pass-secret-000", "hook-secret-111");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("pgkeep.fail-fast", () -> "false");
        registry.add(
                "pgkeep.databases[0].url",
                () -> "postgresql://other:url-secret-123@127.0.0.1:1/other?password=query-secret-456");
        registry.add("pgkeep.databases[0].password", () -> "db-secret-789");
        registry.add("pgkeep.encryption.passphrase", () -> "pass-secret-000");
        registry.add("pgkeep.alerts.slack.webhook-url", () -> "https://hooks.example/T0/hook-secret-111");
        registry.add("spring.mvc.problemdetails.enabled", () -> "true");
        registry.add("management.endpoints.web.exposure.include", () -> "configprops,env");
        registry.add("management.endpoint.configprops.show-values", () -> "always");
        registry.add("management.endpoint.env.show-values", () -> "always");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void theHostsOwnControllersKeepSpringBootsProblemDetailsAndPgkeepsKeepItsOwn() {
        AdminClient client = new AdminClient(port);
        AdminClient.Answer host = client.get("/host/numbers/not-a-number", null);
        assertThat(host.status()).isEqualTo(400);
        assertThat(host.contentType()).startsWith("application/problem+json");
        assertThat(host.json().path("instance").asText()).isEqualTo("/host/numbers/not-a-number");
        assertThat(host.json().path("type").asText()).doesNotStartWith("urn:pgkeep");
        assertThat(client.get("/host/numbers/21", null).raw().body()).isEqualTo("42");

        // Boot registers its handler only when no other ResponseEntityExceptionHandler bean exists: pgkeep has none
        assertThat(context.getBeansOfType(ResponseEntityExceptionHandler.class).values())
                .singleElement()
                .satisfies(h -> assertThat(h.getClass().getName()).startsWith("org.springframework.boot."));

        AdminClient.Answer pgkeep = client.get("/admin/db/backups/nope", AdminClient.token("alice", "ADMIN"));
        assertThat(pgkeep.status()).isEqualTo(400);
        assertThat(pgkeep.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:bad-input");
    }

    @Test
    void pgkeepsSecretsAreMaskedInConfigpropsAndEnvWhileOtherValuesShow() {
        AdminClient client = new AdminClient(port);
        for (String endpoint : List.of("/actuator/configprops", "/actuator/env")) {
            AdminClient.Answer answer = client.get(endpoint, null);
            assertThat(answer.status()).isEqualTo(200);
            String body = answer.raw().body();
            assertThat(body).as(endpoint).contains("127.0.0.1:1/other").contains("******");
            for (String secret : SECRETS) {
                assertThat(body).as(endpoint).doesNotContain(secret);
            }
        }
    }
}
