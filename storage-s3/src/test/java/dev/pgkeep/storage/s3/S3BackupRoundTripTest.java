package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** BackupService with S3 storage: pg_dump streams into s3proxy and back into a new database, identical. */
@ExtendWith(PostgresExtension.class)
class S3BackupRoundTripTest {
    private static final AtomicReference<FaultInjectingBlobStore> faults = new AtomicReference<>();
    private static S3Fixture s3;
    private static String source = "";
    private static DatabaseFingerprint original;

    @BeforeAll
    static void start(PostgresServer pg) throws Exception {
        s3 = S3Fixture.startWithFaults(faults);
        source = PostgresServer.uniqueDatabaseName("s3_src");
        SampleDatabase.create(pg, source);
        original = DatabaseFingerprint.of(pg, source);
    }

    @AfterAll
    static void stop(PostgresServer pg) throws Exception {
        pg.dropDatabase(source);
        s3.close();
    }

    @BeforeEach
    void noFaults() {
        faults.get().reset();
    }

    private static BackupService service(PostgresServer pg, S3StorageAdapter storage, Path temp) {
        return BackupService.builder()
                .storage(storage)
                .toolsDirectory(pg.binDir())
                .tempDirectory(temp)
                .build();
    }

    @Test
    void backupToS3ThenRestoreIntoANewDatabaseIsIdentical(PostgresServer pg, @TempDir Path temp) throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage =
                new S3StorageAdapter(s3.client, s3.options(prefix).build());
        BackupService service = service(pg, storage, temp);

        BackupResult backup = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST));
        BackupManifest manifest = backup.manifest();
        String dumpKey = source + "/" + manifest.id().value() + "/" + manifest.dumpObject();
        assertThat(storage.list(source + "/"))
                .extracting(ObjectInfo::key)
                .containsExactly(dumpKey, source + "/" + manifest.id().value() + "/manifest.json");
        assertThat(storage.stat(dumpKey)).map(ObjectInfo::size).contains(manifest.storedBytes());
        try (InputStream in = storage.read(dumpKey)) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(manifest.sha256());
        }
        assertThat(service.list(source)).extracting(BackupManifest::id).containsExactly(manifest.id());

        String target = PostgresServer.uniqueDatabaseName("s3_new");
        try {
            service.restore(RestoreRequest.builder(RestoreSource.latest(source), pg.connection(target))
                    .createDatabase(true)
                    .jobs(2)
                    .build());
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy).as(() -> original.diff(copy)).isEqualTo(original);
        } finally {
            pg.dropDatabase(target);
        }

        service.delete(manifest.id());
        assertThat(storage.list("")).isEmpty();
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void aStoreFailingWhileTheDumpUploadsFailsTheBackupAndListsNothing(PostgresServer pg, @TempDir Path temp)
            throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        faults.get().failPutsEndingWith("/dump.pgc.zst");
        S3StorageAdapter storage =
                new S3StorageAdapter(s3.client, s3.options(prefix).build());
        BackupService service = service(pg, storage, temp);

        assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageNotContaining(s3.server.secretKey());
        assertThat(service.list(null)).isEmpty();
        assertThat(storage.list("")).extracting(ObjectInfo::key).noneMatch(key -> key.endsWith("manifest.json"));
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void aStoreRefusingTheManifestFailsTheBackupAndListsNothing(PostgresServer pg, @TempDir Path temp)
            throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        faults.get().failPutsEndingWith("/manifest.json");
        S3StorageAdapter storage = new S3StorageAdapter(
                s3.client, s3.options(prefix).maxAttempts(2).build());
        BackupService service = service(pg, storage, temp);

        assertThatThrownBy(() -> service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST)))
                .isInstanceOf(PgkeepException.class);
        assertThat(service.list(null)).isEmpty();
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void anS3ReadFailureDuringVerifyIsAFailedRunThatLeavesTheManifestAlone(PostgresServer pg, @TempDir Path temp)
            throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = new S3StorageAdapter(
                s3.client, s3.options(prefix).maxAttempts(2).build());
        BackupService service = service(pg, storage, temp);
        BackupManifest manifest = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();

        faults.get().failGetsEndingWith("/" + manifest.dumpObject());
        assertThatThrownBy(() -> service.verify(
                        VerifyRequest.of(RestoreSource.byId(manifest.id().value()), Trigger.TEST)))
                .isInstanceOfSatisfying(PgkeepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                    assertThat(e.getMessage()).contains("could not run", "HTTP 500");
                });
        assertThat(service.get(manifest.id()).orElseThrow().verification()).isNull();

        faults.get().reset();
        service.verify(VerifyRequest.of(RestoreSource.byId(manifest.id().value()), Trigger.TEST));
        assertThat(service.get(manifest.id()).orElseThrow().verification().ok()).isTrue();
    }

    @Test
    void unreadableAndFutureManifestsInS3AreSkippedCountedAndKept(PostgresServer pg, @TempDir Path temp)
            throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage =
                new S3StorageAdapter(s3.client, s3.options(prefix).build());
        BackupService service = service(pg, storage, temp);
        BackupManifest good = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                .manifest();
        String json;
        try (InputStream in = storage.read(source + "/" + good.id().value() + "/manifest.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String garbage = source + "/20260101T000000Z-aaaaaaaaaaaa/manifest.json";
        String future = source + "/20260102T000000Z-bbbbbbbbbbbb/manifest.json";
        put(storage, garbage, "\u0000\u0001 not a manifest");
        put(
                storage,
                future,
                json.replace(good.id().value(), "20260102T000000Z-bbbbbbbbbbbb")
                        .replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));

        BackupListing listing = service.listing(null);
        assertThat(listing.backups()).extracting(BackupManifest::id).containsExactly(good.id());
        assertThat(listing.skipped()).containsExactly(garbage, future);

        PruneResult pruned = service.prune(new RetentionPolicy(0, 1), false);
        assertThat(pruned.skipped()).containsExactly(garbage, future);
        assertThat(storage.stat(garbage)).isPresent();
        assertThat(storage.stat(future)).isPresent();
    }

    private static void put(S3StorageAdapter storage, String key, String content) throws Exception {
        try (StorageAdapter.PendingObject object = storage.create(key)) {
            object.output().write(content.getBytes(StandardCharsets.UTF_8));
            object.commit();
        }
    }
}
