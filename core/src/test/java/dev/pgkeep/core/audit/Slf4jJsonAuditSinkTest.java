package dev.pgkeep.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class Slf4jJsonAuditSinkTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void succeededBackupIsOneInfoLineWithEveryKnownField() throws Exception {
        RecordingLogger logger = new RecordingLogger(Level.INFO);
        new Slf4jJsonAuditSink(logger).onEvent(TestEvents.backupSucceeded("shop"));

        assertThat(logger.entries()).hasSize(1);
        String line = logger.messages(Level.INFO).get(0);
        assertThat(line).doesNotContain("\n");
        JsonNode node = json.readTree(line);
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactly(
                        "schemaVersion",
                        "type",
                        "operation",
                        "phase",
                        "at",
                        "trigger",
                        "database",
                        "backupId",
                        "actor",
                        "clientAddress",
                        "durationMs",
                        "storedBytes",
                        "dumpBytes",
                        "pgkeepVersion");
        assertThat(node.get("schemaVersion").asInt()).isEqualTo(AuditEventJson.SCHEMA_VERSION);
        assertThat(node.get("type").asText()).isEqualTo("backup.succeeded");
        assertThat(node.get("at").asText()).isEqualTo("2026-11-25T02:00:03.412Z");
        assertThat(node.get("trigger").asText()).isEqualTo("schedule");
        assertThat(node.get("database").asText()).isEqualTo("shop");
        assertThat(node.get("backupId").asText()).isEqualTo(TestEvents.BACKUP_ID);
        assertThat(node.get("actor").asText()).isEqualTo("alice");
        assertThat(node.get("clientAddress").asText()).isEqualTo("10.1.2.3");
        assertThat(node.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(node.get("durationMs").asLong()).isEqualTo(83_412L);
        assertThat(node.get("storedBytes").asLong()).isEqualTo(12_345_678L);
        assertThat(node.get("dumpBytes").asLong()).isEqualTo(98_765_432L);
        // the version this build gives the project (passed by Maven), not a constant in the code
        assertThat(node.get("pgkeepVersion").asText()).isEqualTo(System.getProperty("pgkeep.project.version"));
    }

    @Test
    void failureIsLoggedAtWarnWithTheErrorRedacted() throws Exception {
        RecordingLogger logger = new RecordingLogger(Level.INFO);
        new Slf4jJsonAuditSink(logger)
                .onEvent(
                        TestEvents.backupFailed(
                                "shop",
                                "pg_dump: error: connection to server at \"db\" failed\n"
                                        + "while using postgresql://app:hunter2@db:5432/shop?sslpassword=hunter3 password=hunter4"));

        assertThat(logger.entries()).hasSize(1);
        String line = logger.messages(Level.WARN).get(0);
        assertThat(line).doesNotContain("hunter").doesNotContain("\n");
        JsonNode node = json.readTree(line);
        assertThat(node.get("type").asText()).isEqualTo("backup.failed");
        assertThat(node.get("error").asText())
                .startsWith("pg_dump: error: connection to server at \"db\" failed\n")
                .contains("postgresql://db:5432/shop")
                .contains("password=******");
        assertThat(node.has("storedBytes")).isFalse();
    }

    @Test
    void timestampsAlwaysHaveMilliseconds() throws Exception {
        var onTheSecond = TestEvents.started("shop", Instant.parse("2026-11-25T02:00:00Z"));
        var withNanos = TestEvents.restoreStarted("shop", "alice");
        assertThat(json.readTree(AuditEventJson.toJson(onTheSecond)).get("at").asText())
                .isEqualTo("2026-11-25T02:00:00.000Z");
        assertThat(json.readTree(AuditEventJson.toJson(withNanos)).get("at").asText())
                .isEqualTo("2026-11-25T02:00:03.412Z");
    }

    @Test
    void repositoryWidePruneCarriesTheCountAndNoDatabase() throws Exception {
        JsonNode node = json.readTree(AuditEventJson.toJson(TestEvents.pruneSucceeded(3)));
        assertThat(node.get("type").asText()).isEqualTo("prune.succeeded");
        assertThat(node.get("count").asInt()).isEqualTo(3);
        assertThat(node.has("database")).isFalse();
    }

    @Test
    void aControlCharacterInAnActorCannotForgeASecondLogLine() {
        var event = TestEvents.restoreStarted("shop", "mallory\n{\"type\":\"backup.succeeded\"}");
        assertThat(AuditEventJson.toJson(event)).doesNotContain("\n").contains("mallory\\n{");
    }

    @Test
    void successesAreLeftOutWhenTheAuditLoggerIsAtWarn() {
        RecordingLogger logger = new RecordingLogger(Level.WARN);
        new Slf4jJsonAuditSink(logger).onEvent(TestEvents.backupSucceeded("shop"));
        assertThat(logger.entries()).isEmpty();
    }

    @Test
    void keyValueFormGivesEveryFieldAsAPairAndAShortMessage() throws Exception {
        RecordingLogger logger = new RecordingLogger(Level.INFO);
        var event = TestEvents.backupSucceeded("shop");
        new Slf4jJsonAuditSink(logger, Slf4jJsonAuditSink.Form.KEY_VALUES).onEvent(event);

        assertThat(logger.entries()).hasSize(1);
        RecordingLogger.Entry entry = logger.entries().get(0);
        assertThat(entry.level()).isEqualTo(Level.INFO);
        assertThat(entry.message()).isEqualTo("pgkeep backup.succeeded shop " + TestEvents.BACKUP_ID);
        // the same names, order and values as the JSON line, numbers as numbers
        assertThat(json.writeValueAsString(entry.keyValues())).isEqualTo(AuditEventJson.toJson(event));
        assertThat(entry.keyValues().get("durationMs")).isEqualTo(83_412L);
    }

    @Test
    void keyValueFormLogsFailuresAtWarnRedacted() {
        RecordingLogger logger = new RecordingLogger(Level.INFO);
        new Slf4jJsonAuditSink(logger, Slf4jJsonAuditSink.Form.KEY_VALUES)
                .onEvent(TestEvents.backupFailed("shop", "connect postgresql://app:hunter2@db:5432/shop failed"));

        RecordingLogger.Entry entry = logger.entries().get(0);
        assertThat(entry.level()).isEqualTo(Level.WARN);
        assertThat(entry.keyValues()).containsEntry("type", "backup.failed");
        assertThat((String) entry.keyValues().get("error"))
                .contains("postgresql://db:5432/shop")
                .doesNotContain("hunter");
    }

    @Test
    void plainFormHasNoKeyValuePairs() {
        RecordingLogger logger = new RecordingLogger(Level.INFO);
        new Slf4jJsonAuditSink(logger).onEvent(TestEvents.backupSucceeded("shop"));
        assertThat(logger.entries().get(0).keyValues()).isEmpty();
    }
}
