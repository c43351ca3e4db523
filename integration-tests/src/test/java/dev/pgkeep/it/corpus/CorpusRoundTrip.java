package dev.pgkeep.it.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.corpus.CorpusFingerprint;
import dev.pgkeep.testsupport.corpus.CorpusTarget;
import dev.pgkeep.testsupport.corpus.EveryObjectKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Backup, verify (with a restore test), restore into a new database, and compare: the corpus version of what
 * {@code BackupRestoreRoundTripTest} does (its {@code ServiceFixture} is package-private to {@code dev.pgkeep.it}, so
 * this builds the service the same way: local storage in the test's folder, the server's own tools).
 */
final class CorpusRoundTrip {
    private CorpusRoundTrip() {}

    /** What one round trip did; {@link #target} is the restored database, which the caller drops. */
    record Outcome(
            String target,
            BackupManifest manifest,
            VerifyResult verified,
            RestoreResult restored,
            List<String> scratchDatabasesLeftByVerify) {}

    /** The service on {@code dir}; {@code tools} false lets pgkeep choose the tools itself (as in production). */
    static BackupServiceBuilder service(PostgresServer pg, Path dir, boolean tools) {
        Path repo = dir.resolve("repo");
        BackupServiceBuilder builder =
                BackupService.builder().storage(new LocalStorageAdapter(repo)).tempDirectory(dir.resolve("tmp"));
        return tools ? builder.toolsDirectory(pg.binDir()) : builder;
    }

    /**
     * Backs up {@code source}, verifies the backup with a restore test, restores it with {@code jobs} into a new
     * database and asserts that its {@link CorpusFingerprint} equals the source's.
     */
    static Outcome assertRoundTrips(PostgresServer pg, String source, BackupService service, int jobs) {
        long t0 = System.nanoTime();
        CorpusFingerprint original = CorpusFingerprint.of(pg, source);
        long t1 = System.nanoTime();
        BackupManifest manifest = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        List<String> before = scratchDatabases(pg);
        long t2 = System.nanoTime();
        // the inspector itself read the whole table of contents and found every data block (no fallback)
        assertThat(manifest.proof()).isNotNull();
        assertThat(manifest.proof().method()).isEqualTo(BackupManifest.Proof.INSPECTOR);
        assertThat(manifest.tables()).isNotNull();
        VerifyResult verified = service.verify(VerifyRequest.withRestoreTest(
                RestoreSource.byId(manifest.id().value()), pg.connection("postgres"), Trigger.TEST));
        long t3 = System.nanoTime();
        List<String> leftBehind = new ArrayList<>(scratchDatabases(pg));
        leftBehind.removeAll(before);
        for (String scratch : leftBehind) {
            // a scratch database holding a subscription cannot be dropped by a plain DROP DATABASE
            EveryObjectKind.dropDatabase(CorpusTarget.of(pg, "postgres"), scratch);
        }
        assertThat(verified.tablesCompared()).isEqualTo(manifest.tables().size());
        String target = PostgresServer.uniqueDatabaseName(source + "_copy");
        RestoreResult restored = service.restore(
                RestoreRequest.builder(RestoreSource.byId(manifest.id().value()), pg.connection(target))
                        .createDatabase(true)
                        .jobs(jobs)
                        .build());
        long t4 = System.nanoTime();
        assertThat(restored.created()).isTrue();
        CorpusFingerprint copy = CorpusFingerprint.of(pg, target);
        long t5 = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "corpus %s on PostgreSQL %s: fingerprint %.1f s, backup %.1f s (%,d bytes stored, %d tables),"
                        + " verify %.1f s (%d entries), restore jobs=%d %.1f s, fingerprint of copy %.1f s%n",
                source,
                pg.serverVersion(),
                (t1 - t0) / 1e9,
                (t2 - t1) / 1e9,
                manifest.storedBytes(),
                manifest.tables().size(),
                (t3 - t2) / 1e9,
                verified.archiveEntries(),
                jobs,
                (t4 - t3) / 1e9,
                (t5 - t4) / 1e9);
        assertThat(copy).as(() -> original.diff(copy)).isEqualTo(original);
        return new Outcome(target, manifest, verified, restored, leftBehind);
    }

    private static List<String> scratchDatabases(PostgresServer pg) {
        return CorpusTarget.of(pg, "postgres")
                .query("SELECT datname FROM pg_database WHERE datname LIKE 'pgkeep\\_verify\\_%' ORDER BY 1")
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }
}
