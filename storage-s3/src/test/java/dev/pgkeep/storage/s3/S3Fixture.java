package dev.pgkeep.storage.s3;

import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jclouds.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** An s3proxy server with one bucket, a client for it, and helpers that make and check deterministic bytes. */
final class S3Fixture implements AutoCloseable {
    static final String BUCKET = "pgkeep-test";
    static final int MIB = 1024 * 1024;

    final S3TestServer server;
    final S3Client client;

    private S3Fixture(S3TestServer server) {
        this.server = server;
        server.createBucket(BUCKET);
        this.client = options("").build().buildClient();
    }

    static S3Fixture start() throws Exception {
        // s3proxy implements no server-side encryption; accepting its header lets the SSE test see what is sent
        return new S3Fixture(S3TestServer.builder().ignoreUnknownHeaders(true).start());
    }

    static S3Fixture start(UnaryOperator<BlobStore> decorator) throws Exception {
        return new S3Fixture(
                S3TestServer.builder().blobStoreDecorator(decorator).start());
    }

    /** A server whose store can be made to fail ({@link FaultInjectingBlobStore}), which lands in {@code faults}. */
    static S3Fixture startWithFaults(java.util.concurrent.atomic.AtomicReference<FaultInjectingBlobStore> faults)
            throws Exception {
        return start(store -> {
            FaultInjectingBlobStore faulty = new FaultInjectingBlobStore(store);
            faults.set(faulty);
            return faulty;
        });
    }

    /** Options pointing at this server under {@code prefix}, with the smallest part size to keep tests quick. */
    S3StorageOptions.Builder options(String prefix) {
        return S3StorageOptions.builder(BUCKET)
                .prefix(prefix)
                .endpoint(server.endpoint())
                .region(S3TestServer.REGION)
                .pathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .partSize(S3StorageOptions.MIN_PART_SIZE)
                .maxPartsInFlight(2);
    }

    static String uniquePrefix() {
        return "repo-" + UUID.randomUUID() + "/";
    }

    List<MultipartUpload> openUploads(String prefix) {
        return client.listMultipartUploadsPaginator(b -> b.bucket(BUCKET).prefix(prefix)).uploads().stream()
                .toList();
    }

    /** Writes {@code length} pseudo-random bytes of {@code seed}, generated on the fly, never held whole. */
    static void writeBytes(OutputStream out, long seed, long length) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int n = (int) Math.min(chunk.length, remaining);
            for (int i = 0; i < n; i += 8) {
                long value = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (value >>> (8 * j));
                }
            }
            out.write(chunk, 0, n);
            remaining -= n;
        }
    }

    static String sha256OfBytes(long seed, long length) throws IOException {
        MessageDigest digest = sha256();
        writeBytes(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        digest.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        digest.update(b, off, len);
                    }
                },
                seed,
                length);
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
