package dev.pgkeep.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.spring.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A real Boot start that pgkeep stops: Boot prints pgkeep's Description and Action, not a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTest {
    static String database;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_fail");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Host {}

    @Test
    void aHostWithoutARepositoryGetsBootsFailureReport(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(Host.class)
                        .web(WebApplicationType.NONE)
                        .properties(TestDatabases.hostProperties(database))
                        .run())
                .hasRootCauseMessage("pgkeep.repository is not set: pgkeep has nowhere to store backups. Give"
                        + " pgkeep.repository a folder (/var/backups/pgkeep), file:///path or s3://bucket/prefix, or"
                        + " set pgkeep.enabled=false.");

        String out = output.toString();
        assertThat(out).contains("APPLICATION FAILED TO START");
        String report = out.substring(out.indexOf("APPLICATION FAILED TO START"));
        assertThat(report)
                .contains("Description:")
                .contains("pgkeep.repository is not set: pgkeep has nowhere to store backups.")
                .contains("Action:")
                .contains("Give pgkeep.repository a folder (/var/backups/pgkeep), file:///path or s3://bucket/prefix");
        // the description is pgkeep's own sentence, not Boot's generic bean-creation text
        String description = report.substring(report.indexOf("Description:"), report.indexOf("Action:"));
        assertThat(description).doesNotContain("BeanCreationException").doesNotContain("Error creating bean");
    }
}
