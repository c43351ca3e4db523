package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The S3 server goes away in the middle of a backup's upload and comes back (the same store, a new process): the
 * backup fails, nothing half-written is listed, the backups stored before are all there, and the next backup runs.
 */
@ExtendWith(PostgresExtension.class)
class S3ServerOutageTest {
    private static final String BUCKET = "outage";
    private static String small = "";
    private static String large = "";

    @BeforeAll
    static void createSources(PostgresServer pg) {
        small = PostgresServer.uniqueDatabaseName("s3_outage_small");
        SampleDatabase.create(pg, small);
        large = PostgresServer.uniqueDatabaseName("s3_outage_large");
        SampleDatabase.createLarge(pg, large, 400_000);
    }

    @AfterAll
    static void dropSources(PostgresServer pg) {
        pg.dropDatabase(small);
        pg.dropDatabase(large);
    }

    private static S3StorageOptions options(S3TestServer server) {
        return S3StorageOptions.builder(BUCKET)
                .endpoint(server.endpoint())
                .region(S3TestServer.REGION)
                .pathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .partSize(S3StorageOptions.MIN_PART_SIZE)
                .maxPartsInFlight(1)
                .maxAttempts(2)
                .build();
    }

    private static BackupService service(PostgresServer pg, S3StorageAdapter storage, Path temp) {
        return BackupService.builder()
                .storage(storage)
                .toolsDirectory(pg.binDir())
                .codec(Codec.none())
                .tempDirectory(temp)
                .build();
    }

    @Test
    void theServerStoppedMidUploadFailsTheBackupAndAfterItsRestartEveryEarlierBackupIsThere(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        Path store = dir.resolve("store");
        BackupManifest before;
        S3TestServer first = S3TestServer.builder().filesystem(store).start();
        try {
            first.createBucket(BUCKET);
            S3StorageAdapter storage = S3StorageAdapter.fromOptions(options(first));
            BackupService service = service(pg, storage, dir.resolve("tmp"));
            before = service.backup(BackupRequest.of(pg.connection(small), Trigger.TEST))
                    .manifest();

            long stored = bytesIn(store);
            CompletableFuture<BackupManifest> backup = CompletableFuture.supplyAsync(
                    () -> service.backup(BackupRequest.of(pg.connection(large), Trigger.TEST))
                            .manifest());
            awaitStoredPart(store, stored, backup);
            first.close(); // the server goes away with the upload open

            assertThatThrownBy(() -> backup.get(120, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED));
            assertThatThrownBy(() -> service.list(null)).isInstanceOfSatisfying(PgkeepException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                assertThat(e.getMessage()).contains("Cannot list");
            });
            storage.close();
        } finally {
            first.close();
        }

        try (S3TestServer second = S3TestServer.builder().filesystem(store).start();
                S3StorageAdapter storage = S3StorageAdapter.fromOptions(options(second))) {
            BackupService service = service(pg, storage, dir.resolve("tmp"));
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(before.id());
            service.verify(VerifyRequest.of(RestoreSource.byId(before.id().value()), Trigger.TEST));
            BackupManifest next = service.backup(BackupRequest.of(pg.connection(large), Trigger.TEST))
                    .manifest();
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(next.id(), before.id());
        }
    }

    /**
     * Waits (bounded, polling) until the store holds at least one more part's worth of bytes than {@code before}: the
     * backup's multipart upload has stored a part, the moment to stop the server. (The file-system store answers no
     * ListParts, so its folder is watched.)
     */
    private static void awaitStoredPart(Path store, long before, CompletableFuture<?> backup) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            assertThat(backup)
                    .as("the backup ended before the server was stopped")
                    .isNotDone();
            if (bytesIn(store) >= before + S3StorageOptions.MIN_PART_SIZE) {
                return;
            }
            try {
                backup.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still running (or failed: the next round says so)
            }
        }
        throw new AssertionError("no stored part within a minute");
    }

    private static long bytesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // renamed or removed meanwhile
                        }
                    })
                    .sum();
        } catch (UncheckedIOException e) {
            return 0; // an entry vanished mid-walk: try again
        }
    }
}
