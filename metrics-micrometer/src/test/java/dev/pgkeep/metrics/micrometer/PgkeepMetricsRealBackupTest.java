package dev.pgkeep.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What Prometheus scrapes after a real pg_dump backup, a real failed backup, and a restart. */
@ExtendWith(PostgresExtension.class)
class PgkeepMetricsRealBackupTest {

    @Test
    void scrapeShowsARealBackupARealFailureAndSurvivesARestart(PostgresServer pg, @TempDir Path repository) {
        String database = PostgresServer.uniqueDatabaseName("metrics");
        String missing = PostgresServer.uniqueDatabaseName("metrics_missing");
        SampleDatabase.create(pg, database);
        try {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            PgkeepMetrics metrics = new PgkeepMetrics();
            metrics.bindTo(prometheus);
            BackupService backups = BackupService.builder()
                    .database(pg.connection(database))
                    .storage(new LocalStorageAdapter(repository))
                    .toolsDirectory(pg.binDir())
                    .auditSink(metrics)
                    .build();

            BackupManifest manifest =
                    backups.backup(BackupRequest.of(Trigger.TEST)).manifest();
            assertThatThrownBy(() -> backups.backup(BackupRequest.of(pg.connection(missing), Trigger.TEST)))
                    .isInstanceOf(PgkeepException.class)
                    .hasMessageContaining(missing)
                    .hasMessageContaining("does not exist");

            Map<String, Double> series = PrometheusScrape.parse(prometheus.scrape());
            String ok = "{database=\"" + database + "\",error=\"none\",outcome=\"success\",trigger=\"test\"}";
            String failed = "{database=\"" + missing + "\",error=\"failed\",outcome=\"failure\",trigger=\"test\"}";
            String db = "{database=\"" + database + "\"}";
            String missingDb = "{database=\"" + missing + "\"}";
            assertThat(series)
                    .containsEntry("pgkeep_backup_duration_seconds_count" + ok, 1.0)
                    .containsEntry("pgkeep_backup_size_bytes_count" + ok, 1.0)
                    .containsEntry("pgkeep_backup_size_bytes_sum" + ok, (double) manifest.storedBytes())
                    .containsEntry("pgkeep_backup_dump_size_bytes_sum" + ok, (double) manifest.dumpBytes())
                    .containsEntry(
                            "pgkeep_backup_compression_ratio" + db,
                            (double) manifest.dumpBytes() / manifest.storedBytes())
                    .containsEntry(
                            "pgkeep_backup_last_success_seconds" + db,
                            manifest.completedAt().toEpochMilli() / 1000.0)
                    .containsEntry("pgkeep_backup_last_failed" + db, 0.0)
                    .containsEntry("pgkeep_backup_in_progress" + db, 0.0)
                    .containsEntry("pgkeep_backup_duration_seconds_count" + failed, 1.0)
                    .containsEntry("pgkeep_backup_last_failed" + missingDb, 1.0)
                    .containsEntry("pgkeep_backup_last_success_age_seconds" + missingDb, Double.POSITIVE_INFINITY)
                    .containsEntry("pgkeep_backup_in_progress" + missingDb, 0.0)
                    .doesNotContainKey("pgkeep_backup_size_bytes_count" + failed);
            assertThat(manifest.storedBytes()).isPositive();
            assertThat(series.get("pgkeep_backup_duration_seconds_sum" + ok)).isPositive();
            assertThat(series.get("pgkeep_backup_last_success_age_seconds" + db))
                    .isBetween(0.0, 600.0);

            // a restarted application knows nothing until it reads the repository
            PrometheusMeterRegistry afterRestart = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            PgkeepMetrics restarted = new PgkeepMetrics();
            restarted.bindTo(afterRestart);
            assertThat(restarted.seedFromRepository(backups)).isEqualTo(1);
            Map<String, Double> seeded = PrometheusScrape.parse(afterRestart.scrape());
            assertThat(seeded)
                    .containsEntry(
                            "pgkeep_backup_last_success_seconds" + db,
                            manifest.completedAt().toEpochMilli() / 1000.0)
                    .containsEntry("pgkeep_backup_last_failed" + db, 0.0)
                    .doesNotContainKey("pgkeep_backup_last_success_seconds" + missingDb);
            assertThat(seeded.get("pgkeep_backup_last_success_age_seconds" + db))
                    .isBetween(0.0, 600.0);
        } finally {
            pg.dropDatabase(database);
        }
    }
}
