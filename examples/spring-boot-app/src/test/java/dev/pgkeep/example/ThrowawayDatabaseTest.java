package dev.pgkeep.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.testsupport.Sockets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The example started as {@code main} starts it with no database configured: it runs on a throwaway cluster, prints
 * the URLs and a token that works on the admin API, and removes the cluster when it stops.
 */
@ExtendWith(OutputCaptureExtension.class)
class ThrowawayDatabaseTest {
    private static final Pattern TOKEN = Pattern.compile("TOKEN=(\\S+)");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void withoutADatabaseItStartsAThrowawayOneAndPrintsHowToTryIt(CapturedOutput output) throws Exception {
        Path folder;
        int postgresPort;
        try (ConfigurableApplicationContext app =
                ExampleApplication.application().run("--server.port=0", "--spring.datasource.url=")) {
            Environment env = app.getEnvironment();
            String base = "http://localhost:" + env.getProperty("local.server.port");
            folder = Path.of(env.getProperty("example.throwaway.folder"));
            assertThat(folder).isDirectory();
            String url = env.getProperty("spring.datasource.url");
            assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/shop");
            postgresPort = Integer.parseInt(url.replaceAll(".*:(\\d+)/shop", "$1"));

            assertThat(output.getOut())
                    .contains("pgkeep example is up on a throwaway PostgreSQL")
                    .contains("Admin API:  " + base + "/admin/db/backups")
                    .contains("Swagger UI: " + base + "/swagger-ui.html");
            Matcher token = TOKEN.matcher(output.getOut());
            assertThat(token.find()).isTrue();

            HttpResponse<String> started = send("POST", base + "/admin/db/backup", token.group(1));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String location = started.headers().firstValue("Location").orElseThrow();
            JsonNode job = Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> json.readTree(
                                    send("GET", location, token.group(1)).body()),
                            j -> j.path("status").asText().matches("succeeded|failed"));
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
            assertThat(job.path("result").path("database").asText()).isEqualTo("shop");
        }
        assertThat(folder).doesNotExist();
        assertThat(Sockets.acceptsOnLoopback(postgresPort))
                .as("the throwaway server is stopped")
                .isFalse();
    }

    private HttpResponse<String> send(String method, String url, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
