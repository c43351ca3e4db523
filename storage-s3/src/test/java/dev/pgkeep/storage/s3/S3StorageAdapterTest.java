package dev.pgkeep.storage.s3;

import static dev.pgkeep.storage.s3.S3Fixture.BUCKET;
import static dev.pgkeep.storage.s3.S3Fixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jclouds.blobstore.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

class S3StorageAdapterTest {
    private static S3Fixture s3;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
    }

    private S3StorageAdapter adapter(String prefix) {
        return new S3StorageAdapter(s3.client, s3.options(prefix).build());
    }

    @Test
    void smallObjectIsInvisibleUntilCommitAndGoesUpInOnePut() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        byte[] content = "{\"id\":\"20261125T020000Z-7f3a\"}".getBytes(StandardCharsets.UTF_8);
        try (PendingObject pending = storage.create("mydb/20261125T020000Z-7f3a/manifest.json")) {
            pending.output().write(content);
            assertThat(storage.list("")).isEmpty();
            assertThat(storage.stat("mydb/20261125T020000Z-7f3a/manifest.json")).isEmpty();
            pending.commit();
        }
        assertThat(storage.read("mydb/20261125T020000Z-7f3a/manifest.json").readAllBytes())
                .isEqualTo(content);
        HeadObjectResponse head =
                s3.client.headObject(b -> b.bucket(BUCKET).key(prefix + "mydb/20261125T020000Z-7f3a/manifest.json"));
        assertThat(head.eTag()).doesNotContain("-"); // a multipart ETag ends in -<parts>
        assertThat(head.metadata())
                .containsEntry("pgkeep-database", "mydb")
                .containsEntry("pgkeep-backup-id", "20261125T020000Z-7f3a");
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void emptyObjectIsStored() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix());
        try (PendingObject pending = storage.create("empty")) {
            pending.commit();
        }
        assertThat(storage.stat("empty")).map(ObjectInfo::size).contains(0L);
        assertThat(storage.read("empty").readAllBytes()).isEmpty();
    }

    @Test
    void largeObjectUploadsPartsWhileStillBeingWrittenAndReadsBackIdentical() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = new S3StorageAdapter(
                s3.client, s3.options(prefix).maxPartsInFlight(1).build());
        long size = 4L * 5 * MIB + 123_457; // four full parts and a short last one
        try (PendingObject pending = storage.create("db/20261125T020000Z-aaaa/dump.pgc.zst")) {
            S3Fixture.writeBytes(pending.output(), 42, 2L * 5 * MIB + 1);
            // with one part in flight, starting part 2 waited for part 1: it is stored while the writer goes on
            assertThat(s3.openUploads(prefix)).hasSize(1);
            String uploadId = s3.openUploads(prefix).get(0).uploadId();
            assertThat(s3.client
                            .listParts(b -> b.bucket(BUCKET)
                                    .key(prefix + "db/20261125T020000Z-aaaa/dump.pgc.zst")
                                    .uploadId(uploadId))
                            .parts())
                    .isNotEmpty();
            assertThat(storage.list("")).isEmpty();
            S3Fixture.writeBytes(pending.output(), 43, size - (2L * 5 * MIB + 1));
            pending.commit();
        }
        assertThat(storage.stat("db/20261125T020000Z-aaaa/dump.pgc.zst"))
                .map(ObjectInfo::size)
                .contains(size);
        HeadObjectResponse head =
                s3.client.headObject(b -> b.bucket(BUCKET).key(prefix + "db/20261125T020000Z-aaaa/dump.pgc.zst"));
        assertThat(head.eTag()).endsWith("-5\"");
        assertThat(s3.openUploads(prefix)).isEmpty();

        String expected = sha256OfTwoRuns(size);
        try (InputStream in = storage.read("db/20261125T020000Z-aaaa/dump.pgc.zst")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(expected);
        }
    }

    private static String sha256OfTwoRuns(long size) throws IOException {
        var out = new java.io.OutputStream() {
            final java.security.MessageDigest digest;

            {
                try {
                    digest = java.security.MessageDigest.getInstance("SHA-256");
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        };
        S3Fixture.writeBytes(out, 42, 2L * 5 * MIB + 1);
        S3Fixture.writeBytes(out, 43, size - (2L * 5 * MIB + 1));
        return java.util.HexFormat.of().formatHex(out.digest.digest());
    }

    @Test
    void objectOfExactlyOnePartGoesUpInOnePut() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        try (PendingObject pending = storage.create("one-part")) {
            S3Fixture.writeBytes(pending.output(), 7, 5 * MIB);
            pending.commit();
        }
        HeadObjectResponse head = s3.client.headObject(b -> b.bucket(BUCKET).key(prefix + "one-part"));
        assertThat(head.contentLength()).isEqualTo(5L * MIB);
        assertThat(head.eTag()).doesNotContain("-");
        try (InputStream in = storage.read("one-part")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(7, 5 * MIB));
        }
    }

    @Test
    void rangedReadsCrossPartBoundariesAndStopAtTheEnd() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix());
        long size = 11L * MIB;
        try (PendingObject pending = storage.create("ranged")) {
            S3Fixture.writeBytes(pending.output(), 9, size);
            pending.commit();
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        S3Fixture.writeBytes(whole, 9, size);
        byte[] expected = whole.toByteArray();
        int boundary = 5 * MIB;
        try (InputStream in = storage.read("ranged", boundary - 100, 200)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(expected, boundary - 100, boundary + 100));
        }
        try (InputStream in = storage.read("ranged", size - 10, 100)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(expected, (int) size - 10, (int) size));
        }
        try (InputStream in = storage.read("ranged", size + 5, 10)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        try (InputStream in = storage.read("ranged", 3, 0)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void closingWithoutCommitAbortsTheMultipartUploadAndLeavesNothing() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        try (PendingObject pending = storage.create("db/20261125T020000Z-bbbb/dump.pgc")) {
            S3Fixture.writeBytes(pending.output(), 1, 12L * MIB);
            assertThat(s3.openUploads(prefix)).hasSize(1);
        }
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.stat("db/20261125T020000Z-bbbb/dump.pgc")).isEmpty();
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void aCancelledWriteOnAnInterruptedThreadStillAbortsItsUpload() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        PendingObject pending = storage.create("db/20261125T020000Z-1111/dump.pgc");
        S3Fixture.writeBytes(pending.output(), 2, 16L * MIB);
        assertThat(s3.openUploads(prefix)).hasSize(1);
        Thread.currentThread().interrupt(); // how a cancelled backup thread arrives at close()
        try {
            pending.close();
            assertThat(Thread.currentThread().isInterrupted())
                    .as("interrupt status kept")
                    .isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(s3.openUploads(prefix)).isEmpty();
        assertThat(storage.list("")).isEmpty();
    }

    @Test
    void commitReplacesAnExistingObject() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix());
        for (String text : List.of("first", "second")) {
            try (PendingObject pending = storage.create("k")) {
                pending.output().write(text.getBytes(StandardCharsets.UTF_8));
                pending.commit();
            }
        }
        assertThat(storage.read("k").readAllBytes())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("second");
    }

    @Test
    void missingObjectsAreReportedAsMissing() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix());
        assertThatThrownBy(() -> storage.read("nope/manifest.json"))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope/manifest.json");
        assertThatThrownBy(() -> storage.read("nope/manifest.json", 0, 10)).isInstanceOf(NoSuchFileException.class);
        assertThat(storage.stat("nope/manifest.json")).isEmpty();
        storage.delete("nope/manifest.json"); // not an error
    }

    @Test
    void listIsSortedScopedToThePrefixAndDeleteRemoves() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        S3StorageAdapter neighbour = adapter(S3Fixture.uniquePrefix());
        for (String key : List.of("b/2/manifest.json", "a/1/dump.pgc", "a/1/manifest.json", "ab/3/x")) {
            put(storage, key, key);
        }
        put(neighbour, "a/9/manifest.json", "other repository");
        assertThat(storage.list(""))
                .extracting(ObjectInfo::key)
                .containsExactly("a/1/dump.pgc", "a/1/manifest.json", "ab/3/x", "b/2/manifest.json");
        assertThat(storage.list("a/")).extracting(ObjectInfo::key).containsExactly("a/1/dump.pgc", "a/1/manifest.json");
        assertThat(storage.list("a/1/manifest.json"))
                .singleElement()
                .satisfies(info -> assertThat(info.size()).isEqualTo("a/1/manifest.json".length()));
        storage.delete("a/1/manifest.json");
        assertThat(storage.list("a/")).extracting(ObjectInfo::key).containsExactly("a/1/dump.pgc");
    }

    @Test
    void listsMoreThanOneThousandObjectsAcrossPages() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        BlobStore blobs = s3.server.blobStore();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1_050; i++) {
            String key = String.format("mydb/20261125T%06dZ-%04x/manifest.json", i, i);
            expected.add(key);
            // written straight into the blob store to keep the test fast; the listing below goes through S3
            blobs.putBlob(
                    BUCKET,
                    blobs.blobBuilder(prefix + key).payload(new byte[] {1}).build());
        }
        AtomicInteger listRequests = new AtomicInteger();
        try (S3Client counting = S3Client.builder()
                .endpointOverride(s3.server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.server.accessKey(), s3.server.secretKey())))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof ListObjectsV2Request) {
                            listRequests.incrementAndGet();
                        }
                    }
                }))
                .build()) {
            List<ObjectInfo> listed =
                    new S3StorageAdapter(counting, s3.options(prefix).build()).list("mydb/");
            assertThat(listed).extracting(ObjectInfo::key).containsExactlyElementsOf(expected);
            assertThat(listRequests).hasValueGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void removeIncompleteWritesAbortsOnlyUploadsOlderThanAsked() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        try (PendingObject pending = storage.create("db/20261125T020000Z-cccc/dump.pgc")) {
            S3Fixture.writeBytes(pending.output(), 5, 6L * MIB);
            assertThat(storage.removeIncompleteWrites(Duration.ofHours(1))).isZero();
            assertThat(s3.openUploads(prefix)).hasSize(1);
            assertThat(storage.removeIncompleteWrites(Duration.ZERO)).isEqualTo(1);
            assertThat(s3.openUploads(prefix)).isEmpty();
        } // closing after the cleanup aborted the upload is not an error
        assertThat(storage.list("")).isEmpty();
    }

    @Test
    void removeIncompleteWritesOfAPrefixAbortsYoungUploadsThereAndNoOthers() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = adapter(prefix);
        try (PendingObject mine = storage.create("db/20261125T020000Z-cccc/dump.pgc");
                PendingObject other = storage.create("db2/20261125T020000Z-dddd/dump.pgc")) {
            S3Fixture.writeBytes(mine.output(), 5, 6L * MIB);
            S3Fixture.writeBytes(other.output(), 6, 6L * MIB);
            assertThat(s3.openUploads(prefix)).hasSize(2);
            // "db" and "db2" share the characters, not the prefix: only db/ is the caller's
            assertThat(storage.removeIncompleteWrites("db/")).isEqualTo(1);
            assertThat(s3.openUploads(prefix))
                    .extracting(u -> u.key())
                    .containsExactly(prefix + "db2/20261125T020000Z-dddd/dump.pgc");
        }
        assertThat(s3.openUploads(prefix)).isEmpty();
    }

    @Test
    void rejectsKeysThatCouldEscapeThePrefix() {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix());
        for (String key : List.of("../x", "a/../../x", "/abs", "a//b", "", "a/./b")) {
            assertThatThrownBy(() -> storage.create(key)).isInstanceOf(BadInputException.class);
        }
        assertThatThrownBy(() -> storage.list("../")).isInstanceOf(BadInputException.class);
    }

    @Test
    void describeAndErrorsNeverShowTheSecretKey() throws IOException {
        S3StorageOptions wrongSecret = s3.options(S3Fixture.uniquePrefix())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.server.accessKey(), "not-the-secret-0123456789")))
                .maxAttempts(1)
                .build();
        try (S3StorageAdapter storage = S3StorageAdapter.fromOptions(wrongSecret)) {
            assertThat(storage.describe())
                    .isEqualTo("s3://pgkeep-test/" + wrongSecret.prefix() + " at " + s3.server.endpoint());
            assertThat(wrongSecret.toString()).doesNotContain("not-the-secret").doesNotContain(s3.server.accessKey());
            PendingObject pending = storage.create("x");
            pending.output().write(1);
            assertThatThrownBy(pending::commit)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("check the credentials")
                    .hasMessageNotContaining("not-the-secret");
            pending.close();
            assertThatThrownBy(storage::ensureReachable)
                    .hasMessageContaining("is not usable")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    @Test
    void missingCredentialsSayHowToProvideThem() {
        // what the SDK's default chain throws on a machine with no credentials at all
        AwsCredentialsProvider none = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };
        try (S3StorageAdapter storage = S3StorageAdapter.fromOptions(
                s3.options(S3Fixture.uniquePrefix()).credentialsProvider(none).build())) {
            assertThatThrownBy(() -> storage.list(""))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no AWS credentials found")
                    .hasMessageContaining("AWS_ACCESS_KEY_ID");
        }
    }

    @Test
    void serverSideEncryptionStorageClassAndMetadataAreSentWithEveryWrite() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        List<SdkHttpRequest> writes = new CopyOnWriteArrayList<>();
        try (S3Client recording = S3Client.builder()
                // s3proxy rejects the SDK's default aws-chunked checksum trailers, as several compatible stores do
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .endpointOverride(s3.server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.server.accessKey(), s3.server.secretKey())))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        if (context.request() instanceof PutObjectRequest
                                || context.request() instanceof CreateMultipartUploadRequest) {
                            writes.add(context.httpRequest());
                        }
                    }
                }))
                .build()) {
            S3StorageAdapter storage = new S3StorageAdapter(
                    recording,
                    s3.options(prefix)
                            .serverSideEncryption("aws:kms")
                            .kmsKeyId("arn:aws:kms:eu-west-1:111122223333:key/test")
                            .storageClass("STANDARD_IA")
                            .build());
            put(storage, "db/20261125T020000Z-dddd/manifest.json", "x");
            try (PendingObject pending = storage.create("db/20261125T020000Z-dddd/dump.pgc")) {
                S3Fixture.writeBytes(pending.output(), 3, 6L * MIB);
                pending.commit();
            }
        }
        assertThat(writes)
                .hasSize(2)
                .allSatisfy(request -> assertThat(request.headers())
                        .containsEntry("x-amz-server-side-encryption", List.of("aws:kms"))
                        .containsEntry(
                                "x-amz-server-side-encryption-aws-kms-key-id",
                                List.of("arn:aws:kms:eu-west-1:111122223333:key/test"))
                        .containsEntry("x-amz-storage-class", List.of("STANDARD_IA"))
                        .containsEntry("x-amz-meta-pgkeep-database", List.of("db"))
                        .containsEntry("x-amz-meta-pgkeep-backup-id", List.of("20261125T020000Z-dddd")));
        HeadObjectResponse head =
                s3.client.headObject(b -> b.bucket(BUCKET).key(prefix + "db/20261125T020000Z-dddd/dump.pgc"));
        assertThat(head.metadata()).containsEntry("pgkeep-backup-id", "20261125T020000Z-dddd");
    }

    private static void put(S3StorageAdapter storage, String key, String content) throws IOException {
        try (PendingObject pending = storage.create(key)) {
            pending.output().write(content.getBytes(StandardCharsets.UTF_8));
            pending.commit();
        }
    }
}
