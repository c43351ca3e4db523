package dev.pgkeep.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.spring.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The audit log in a real Boot application, its logging system initialised by Boot: under
 * {@code logging.structured.format.console=ecs} (or {@code logstash}) a backup's audit line is one JSON object with pgkeep's fields as
 * top-level keys; with plain logging the message is still the JSON line of docs/audit.md.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredAuditLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static String database;

    @TempDir
    Path repo;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_log");
    }

    private Set<String> systemProperties;

    // Boot's logging system copies logging.structured.* into system properties (CONSOLE_LOG_STRUCTURED_FORMAT)
    // and never removes them: left behind, the next application in this JVM would log ECS too
    @BeforeEach
    void rememberSystemProperties() {
        systemProperties = Set.copyOf(System.getProperties().stringPropertyNames());
    }

    @AfterEach
    void forgetLoggingSystemProperties() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (!systemProperties.contains(name)) {
                System.clearProperty(name);
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Host {}

    private BackupResult backUp(CapturedOutput output, String... extra) {
        String[] properties = Stream.concat(
                        Stream.of(TestDatabases.hostProperties(database)),
                        Stream.concat(Stream.of("pgkeep.repository=" + repo), Stream.of(extra)))
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Host.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run()) {
            return context.getBean(BackupService.class).backup(BackupRequest.of(Trigger.TEST));
        }
    }

    private static List<String> linesWith(CapturedOutput output, String text) {
        return output.getOut().lines().filter(l -> l.contains(text)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash"})
    void underStructuredLoggingTheAuditFieldsAreTopLevelKeysOfTheLogLine(String format, CapturedOutput output)
            throws Exception {
        BackupResult backup = backUp(output, "logging.structured.format.console=" + format);

        List<String> lines = linesWith(output, "backup.succeeded");
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        // a structured document, not a pattern line
        assertThat(line.get("@timestamp").asText()).isNotBlank();
        if (format.equals("ecs")) {
            assertThat(line.get("log").get("logger").asText()).isEqualTo("pgkeep.audit");
            assertThat(line.get("log").get("level").asText()).isEqualTo("INFO");
        } else {
            assertThat(line.get("logger_name").asText()).isEqualTo("pgkeep.audit");
            assertThat(line.get("level").asText()).isEqualTo("INFO");
        }
        // the message is for people; the fields are keys of their own, not JSON inside the message
        assertThat(line.get("message").asText())
                .isEqualTo("pgkeep backup.succeeded " + database + " "
                        + backup.id().value());
        assertThat(line.get("type").asText()).isEqualTo("backup.succeeded");
        assertThat(line.get("database").asText()).isEqualTo(database);
        assertThat(line.get("backupId").asText()).isEqualTo(backup.id().value());
        assertThat(line.get("schemaVersion").isIntegralNumber()).isTrue();
        assertThat(line.get("storedBytes").asLong()).isEqualTo(backup.manifest().storedBytes());
        assertThat(line.get("encrypted").isBoolean()).isTrue();
        assertThat(line.get("sha256").asText()).isEqualTo(backup.manifest().sha256());
    }

    @Test
    void withPlainLoggingTheMessageIsTheAuditJsonLine(CapturedOutput output) throws Exception {
        BackupResult backup = backUp(output);

        List<String> lines = linesWith(output, "\"type\":\"backup.succeeded\"");
        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line).contains("pgkeep.audit");
        JsonNode audit = JSON.readTree(line.substring(line.indexOf("{\"schemaVersion\"")));
        assertThat(audit.get("database").asText()).isEqualTo(database);
        assertThat(audit.get("backupId").asText()).isEqualTo(backup.id().value());
        assertThat(audit.get("pgkeepVersion").asText()).isNotBlank();
    }
}
