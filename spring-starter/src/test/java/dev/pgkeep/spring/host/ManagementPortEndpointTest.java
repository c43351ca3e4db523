package dev.pgkeep.spring.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.spring.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code management.server.port}, {@code /actuator/pgkeep} lives there, still behind the host's rule. */
@SpringBootTest(
        classes = {TestHostApplication.class, ActuatorEndpointTest.ActuatorSecurity.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortEndpointTest {
    static final String database = TestDatabases.createSample("starter_mgmt_port");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path repo = Files.createTempDirectory("pgkeep-mgmt-repo");
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("management.server.port", () -> "0");
        registry.add("management.endpoints.web.exposure.include", () -> "pgkeep");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void theEndpointIsServedOnTheManagementPortOnlyAndStaysSecured() {
        assertThat(managementPort).isNotEqualTo(port);
        AdminClient management = new AdminClient(managementPort);
        assertThat(management.get("/actuator/pgkeep", null).status()).isEqualTo(401);
        AdminClient.Answer read = management.get("/actuator/pgkeep", ActuatorEndpointTest.ADMIN);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("databases").get(0).path("name").asText()).isEqualTo(database);
        assertThat(read.json().path("databases").get(0).path("nextBackup").isNull())
                .isTrue();
        assertThat(new AdminClient(port)
                        .get("/actuator/pgkeep", ActuatorEndpointTest.ADMIN)
                        .status())
                .isEqualTo(404);
    }
}
