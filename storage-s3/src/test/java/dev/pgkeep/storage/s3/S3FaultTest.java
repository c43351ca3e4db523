package dev.pgkeep.storage.s3;

import static dev.pgkeep.storage.s3.S3Fixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The store fails mid-upload: the write fails clearly, nothing is listed and no multipart upload stays open. */
class S3FaultTest {
    private static final AtomicReference<FaultInjectingBlobStore> faults = new AtomicReference<>();
    private static S3Fixture s3;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.startWithFaults(faults);
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
    }

    @BeforeEach
    void noFaults() {
        faults.get().reset();
    }

    @Test
    void partsFailingForGoodFailTheWriteAfterRetriesAndLeaveNoPartsBehind() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        faults.get().failParts(2, Integer.MAX_VALUE, 500);
        S3StorageAdapter storage =
                S3StorageAdapter.fromOptions(s3.options(prefix).maxAttempts(3).build());
        try (storage) {
            PendingObject pending = storage.create("db/20261125T020000Z-eeee/dump.pgc");
            try (pending) {
                assertThatThrownBy(() -> {
                            S3Fixture.writeBytes(pending.output(), 11, 30L * MIB);
                            pending.commit();
                        })
                        .isInstanceOf(IOException.class)
                        // parts 2 and 3 both fail and upload in parallel: either may be reported first
                        .hasMessageMatching("(?s).*Uploading part [23] of s3://pgkeep-test/"
                                + java.util.regex.Pattern.quote(prefix + "db/20261125T020000Z-eeee/dump.pgc")
                                + " failed.*")
                        .hasMessageContaining("HTTP 500")
                        .hasMessageContaining("try again later");
            }
            assertThat(faults.get().failedPartAttempts.get())
                    .isGreaterThanOrEqualTo(3); // retried, not given up at once
            assertThat(storage.list("")).isEmpty();
            assertThat(s3.openUploads(prefix)).isEmpty();
        }
    }

    @Test
    void throttlingIsRetriedWithBackoffAndTheUploadSucceeds() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        faults.get().failParts(2, 2, 503);
        try (S3StorageAdapter storage =
                S3StorageAdapter.fromOptions(s3.options(prefix).build())) {
            try (PendingObject pending = storage.create("db/20261125T020000Z-ffff/dump.pgc")) {
                S3Fixture.writeBytes(pending.output(), 12, 12L * MIB);
                pending.commit();
            }
            assertThat(faults.get().failedPartAttempts.get()).isEqualTo(2);
            try (InputStream in = storage.read("db/20261125T020000Z-ffff/dump.pgc")) {
                assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(12, 12L * MIB));
            }
            assertThat(s3.openUploads(prefix)).isEmpty();
        }
    }

    @Test
    void aFailedCompletionIsAbortedAndNothingIsListed() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        faults.get().failCompletion(true);
        try (S3StorageAdapter storage =
                S3StorageAdapter.fromOptions(s3.options(prefix).maxAttempts(2).build())) {
            PendingObject pending = storage.create("db/20261125T020000Z-abab/dump.pgc");
            try (pending) {
                S3Fixture.writeBytes(pending.output(), 13, 11L * MIB);
                assertThatThrownBy(pending::commit)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Completing the upload of");
            }
            assertThat(storage.list("")).isEmpty();
            assertThat(s3.openUploads(prefix)).isEmpty();
        }
    }

    @Test
    void aPartCorruptedInTransitIsRejectedByItsContentMd5() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        ExecutionInterceptor corruptSecondPart = new ExecutionInterceptor() {
            @Override
            public Optional<RequestBody> modifyHttpContent(
                    Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest part && part.partNumber() == 2) {
                    byte[] bytes = readAll(context.requestBody().orElseThrow());
                    bytes[bytes.length / 2] ^= 0x01; // one flipped bit, same length
                    return Optional.of(RequestBody.fromBytes(bytes));
                }
                return context.requestBody();
            }
        };
        S3StorageOptions options = s3.options(prefix).build();
        try (S3Client corrupting = S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .endpointOverride(s3.server.endpoint())
                .forcePathStyle(true)
                .credentialsProvider(options.credentialsProvider())
                .requestChecksumCalculation(
                        software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(corruptSecondPart))
                .build()) {
            S3StorageAdapter storage = new S3StorageAdapter(corrupting, options);
            PendingObject pending = storage.create("db/20261125T020000Z-cdcd/dump.pgc");
            try (pending) {
                assertThatThrownBy(() -> {
                            S3Fixture.writeBytes(pending.output(), 14, 16L * MIB);
                            pending.commit();
                        })
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("BadDigest")
                        .hasMessageContaining("corrupted in transit");
            }
            assertThat(storage.list("")).isEmpty();
            assertThat(s3.openUploads(prefix)).isEmpty();
        }
    }

    private static byte[] readAll(RequestBody body) {
        try (InputStream in = body.contentStreamProvider().newStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
