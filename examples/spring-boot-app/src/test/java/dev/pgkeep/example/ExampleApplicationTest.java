package dev.pgkeep.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example app as its README uses it: a token from mint-token.sh, backup, poll, list; metrics and API docs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
    static final PostgresServer pg = PostgresServer.shared();
    static final String database = PostgresServer.uniqueDatabaseName("example_app");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        SampleDatabase.create(pg, database);
        Path repo = Files.createTempDirectory("pgkeep-example-repo");
        registry.add(
                "spring.datasource.url", () -> "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database);
        registry.add("spring.datasource.username", pg::superuser);
        registry.add("spring.datasource.password", pg::password);
        registry.add("pgkeep.tools.bin-dir", () -> pg.binDir().toString());
        registry.add("pgkeep.repository", repo::toString);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void backupWithAMintedTokenThenListItAndSeeItsMetrics() throws Exception {
        String token = mintToken("alice", "ADMIN");
        assertThat(send("POST", "/admin/db/backup", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/admin/db/backup", mintToken("bob", "USER")).statusCode())
                .isEqualTo(403);

        HttpResponse<String> started = send("POST", "/admin/db/backup", token);
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode job = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> json.readTree(send("GET", location, token).body()),
                        j -> j.path("status").asText().matches("succeeded|failed"));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        String id = job.path("result").path("id").asText();

        assertThat(send("GET", "/admin/db/backups", token).body()).contains(id);
        assertThat(send("GET", "/actuator/prometheus", null).body())
                .contains("pgkeep_backup_duration_seconds_count{")
                .contains("database=\"" + database + "\"");
        assertThat(json.readTree(send("GET", "/actuator/health/pgkeep", null).body())
                        .path("status")
                        .asText())
                .isEqualTo("UP");
        assertThat(send("GET", "/v3/api-docs", null).body()).contains("/admin/db/backup", "/admin/db/jobs/{jobId}");
    }

    /** Runs the README's way of getting a token. */
    private static String mintToken(String subject, String role) throws Exception {
        Process p = new ProcessBuilder("bash", "mint-token.sh", subject, role)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String token = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return token;
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(path.startsWith("http") ? path : "http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
