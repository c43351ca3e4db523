package dev.pgkeep.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the alert rules shown in docs/metrics.md identical to docs/prometheus/pgkeep-alerts.yml, the file that
 * promtool's unit tests check, and both in step with the meter names.
 */
class AlertRulesDocumentationTest {
    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void theRulesInTheGuideAreTheTestedRuleFile() throws IOException {
        String guide = Files.readString(DOCS.resolve("metrics.md"));
        Matcher yaml =
                Pattern.compile("```yaml\n(groups:.*?)```", Pattern.DOTALL).matcher(guide);
        assertThat(yaml.find()).as("docs/metrics.md shows the alert rules").isTrue();
        String ruleFile = Files.readString(DOCS.resolve("prometheus/pgkeep-alerts.yml"));
        assertThat(ruleFile.substring(ruleFile.indexOf("groups:"))).isEqualTo(yaml.group(1));
    }

    @Test
    void theRulesUseTheExportedSeriesNames() throws IOException {
        String ruleFile = Files.readString(DOCS.resolve("prometheus/pgkeep-alerts.yml"));
        // Micrometer's Prometheus naming: dots to underscores, base unit appended
        assertThat(ruleFile)
                .contains(prometheusName(PgkeepMetrics.BACKUP_LAST_SUCCESS_AGE) + "_seconds")
                .contains(prometheusName(PgkeepMetrics.BACKUP_LAST_SUCCESS) + "_seconds")
                .contains(prometheusName(PgkeepMetrics.BACKUP_LAST_FAILURE) + "_seconds")
                .contains(prometheusName(PgkeepMetrics.BACKUP_LAST_FAILED))
                .contains(prometheusName(PgkeepMetrics.BACKUP_IN_PROGRESS));
    }

    private static String prometheusName(String micrometerName) {
        return micrometerName.replace('.', '_');
    }
}
