package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.alert.WebhookNotifier;
import dev.pgkeep.core.audit.AuditEventJson;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Slack alerts and audit lines for real backups: what they say, and that no password reaches them. */
@ExtendWith(PostgresExtension.class)
class AlertsAndAuditTest {
    private static final String WRONG_PASSWORD = "Wr0ngPassw0rdXyz";

    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<String> posted = new LinkedBlockingQueue<>();
    private final List<String> auditLines = Collections.synchronizedList(new ArrayList<>());
    private HttpServer slack;

    @BeforeEach
    void startFakeSlack() throws IOException {
        slack = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slack.createContext("/services/T1/B2/token", this::accept);
        slack.start();
    }

    @AfterEach
    void stopFakeSlack() {
        slack.stop(0);
    }

    private void accept(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            posted.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Test
    void aRealBackupAndARealFailureReachSlackAndTheAuditLogWithoutThePassword(
            PostgresServer pg, @TempDir Path repository) throws Exception {
        String database = PostgresServer.uniqueDatabaseName("alerts");
        pg.createDatabase(database);
        pg.psql(database, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
        URI webhook = URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T1/B2/token");
        AuditSink audit = new AuditSink() {
            @Override
            public void onEvent(BackupEvent event) {
                auditLines.add(AuditEventJson.toJson(event));
            }
        };
        try (WebhookNotifier notifier = WebhookNotifier.builder(webhook)
                .onSuccess(true)
                .timeout(Duration.ofSeconds(5))
                .build()) {
            BackupService backups = BackupService.builder()
                    .storage(new LocalStorageAdapter(repository))
                    .toolsDirectory(pg.binDir())
                    .auditSink(notifier)
                    .auditSink(audit)
                    .build();

            BackupManifest manifest = backups.backup(BackupRequest.of(pg.connection(database), Trigger.TEST)
                            .withActor("alice", "10.1.2.3"))
                    .manifest();
            JsonNode success = json.readTree(next());
            assertThat(success.get("text").asText()).isEqualTo("pgkeep: backup of " + database + " succeeded");
            assertThat(success.toString()).contains(manifest.id().value()).contains("*Trigger*\\ntest");

            DatabaseConnection wrongPassword =
                    DatabaseConnection.of(pg.host(), pg.port(), database, pg.superuser(), WRONG_PASSWORD);
            assertThatThrownBy(() -> backups.backup(BackupRequest.of(wrongPassword, Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class);
            String failure = next();
            JsonNode failed = json.readTree(failure);
            assertThat(failed.get("text").asText()).isEqualTo("pgkeep: backup of " + database + " failed");
            assertThat(failed.get("blocks").get(2).get("text").get("text").asText())
                    .contains("password authentication failed");
            assertThat(failure).doesNotContain(WRONG_PASSWORD).doesNotContain(pg.password());
        } finally {
            pg.dropDatabase(database);
        }

        assertThat(auditLines).hasSize(4);
        assertThat(auditLines)
                .allSatisfy(line -> assertThat(line)
                        .doesNotContain(WRONG_PASSWORD)
                        .doesNotContain(pg.password())
                        .doesNotContain("\n"));
        List<String> types = new ArrayList<>();
        for (String line : auditLines) {
            types.add(json.readTree(line).get("type").asText());
        }
        assertThat(types).containsExactly("backup.started", "backup.succeeded", "backup.started", "backup.failed");
        JsonNode succeeded = json.readTree(auditLines.get(1));
        assertThat(succeeded.get("actor").asText()).isEqualTo("alice");
        assertThat(succeeded.get("clientAddress").asText()).isEqualTo("10.1.2.3");
        assertThat(succeeded.get("storedBytes").asLong()).isPositive();
        assertThat(succeeded.get("sha256").asText()).hasSize(64);
    }

    private String next() throws InterruptedException {
        String body = posted.poll(20, TimeUnit.SECONDS);
        assertThat(body).as("the webhook received a message").isNotNull();
        return body;
    }
}
