package dev.pgkeep.spring.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With the {@code prod} profile active, every restore needs {@code confirm} naming the target database. */
@SpringBootTest(classes = TestHostApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("prod")
class ProductionGuardTest {
    static final PostgresServer pg = TestDatabases.server();
    static final String database = TestDatabases.createSample("starter_prod");
    static final Path repo = AdminEndpointsTest.tempDir("pgkeep-prod-repo");
    static final String ADMIN = AdminClient.token("alice", "ADMIN");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("pgkeep.restore.safety-backup", () -> "false");
        // the fingerprints compare the whole database, which the shared job engine's table is part of
        registry.add("pgkeep.jobs.engine", () -> "memory");
    }

    @LocalServerPort
    int port;

    @Test
    void restoreWithoutConfirmIsRefusedAndWithTheRightConfirmRuns() {
        AdminClient client = new AdminClient(port);
        JsonNode backup =
                client.awaitJob(client.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN);
        String backupId = backup.path("result").path("id").asText();
        DatabaseFingerprint original = DatabaseFingerprint.of(pg, database);
        pg.psql(database, "DELETE FROM audit.item_events");
        DatabaseFingerprint changed = DatabaseFingerprint.of(pg, database);

        for (String confirm : new String[] {"", ",\"confirm\":\"some_other_db\""}) {
            JsonNode refused = restore(client, "{\"backupId\":\"" + backupId + "\",\"force\":true" + confirm + "}");
            assertThat(refused.path("status").asText()).isEqualTo("failed");
            assertThat(refused.path("error").path("status").asInt()).isEqualTo(409);
            assertThat(refused.path("error").path("detail").asText()).contains(database);
            assertThat(DatabaseFingerprint.of(pg, database).diff(changed)).isEmpty();
        }

        JsonNode done =
                restore(client, "{\"backupId\":\"" + backupId + "\",\"force\":true,\"confirm\":\"" + database + "\"}");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("result").path("safetyBackupId").isNull()).isTrue();
        assertThat(DatabaseFingerprint.of(pg, database).diff(original)).isEmpty();
    }

    private static JsonNode restore(AdminClient client, String body) {
        return client.awaitJob(client.postJson("/admin/db/restore", ADMIN, body).location(), ADMIN);
    }
}
