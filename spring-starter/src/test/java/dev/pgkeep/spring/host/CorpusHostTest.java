package dev.pgkeep.spring.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.corpus.CorpusFingerprint;
import dev.pgkeep.testsupport.corpus.CorpusTarget;
import dev.pgkeep.testsupport.corpus.LargeCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter on a host whose database looks like production (a catalog whose table of contents is far past the
 * 64 KiB at which real applications' backups used to fail): backed up, verified and restored into a new database
 * through the admin API, identical.
 */
@SpringBootTest(classes = TestHostApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CorpusHostTest {
    static final PostgresServer pg = TestDatabases.server();
    static final String database = createCatalog();
    static final String ADMIN = AdminClient.token("alice", "ADMIN");

    private static String createCatalog() {
        String name = PostgresServer.uniqueDatabaseName("starter_catalog");
        pg.createDatabase(name);
        LargeCatalog.small().build().create(CorpusTarget.of(pg, name));
        return name;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path repo = Files.createTempDirectory("pgkeep-corpus-repo");
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        // a copy restored into a new database has no job schema (it is left out of backups): compare like for like
        registry.add("pgkeep.jobs.engine", () -> "memory");
        registry.add("pgkeep.restore.allowed-targets", () -> "starter_catalog_copy*");
    }

    @LocalServerPort
    int port;

    @Test
    void aLargeCatalogIsBackedUpVerifiedAndRestoredIdenticallyThroughTheAdminApi() {
        AdminClient client = new AdminClient(port);
        JsonNode backup =
                client.awaitJob(client.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN);
        assertThat(backup.path("status").asText()).as(backup.toString()).isEqualTo("succeeded");
        String id = backup.path("result").path("id").asText();
        assertThat(backup.path("result").path("proof").path("method").asText()).isEqualTo("archive-inspector");
        assertThat(backup.path("result").path("tables").size()).isGreaterThan(300);

        JsonNode verify = client.awaitJob(
                client.postJson("/admin/db/backups/" + id + "/verify", ADMIN, "{\"restoreTest\":true}")
                        .location(),
                ADMIN);
        assertThat(verify.path("status").asText()).as(verify.toString()).isEqualTo("succeeded");

        String copy = PostgresServer.uniqueDatabaseName("starter_catalog_copy");
        try {
            JsonNode restore = client.awaitJob(
                    client.postJson(
                                    "/admin/db/restore",
                                    ADMIN,
                                    "{\"backupId\":\"" + id + "\",\"targetDatabase\":\"" + copy + "\",\"create\":true}")
                            .location(),
                    ADMIN);
            assertThat(restore.path("status").asText()).as(restore.toString()).isEqualTo("succeeded");
            CorpusFingerprint original = CorpusFingerprint.of(pg, database);
            CorpusFingerprint restored = CorpusFingerprint.of(pg, copy);
            assertThat(restored).as(() -> original.diff(restored)).isEqualTo(original);
        } finally {
            pg.dropDatabase(copy);
        }
    }
}
