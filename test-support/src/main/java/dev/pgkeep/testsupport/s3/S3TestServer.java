package dev.pgkeep.testsupport.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jspecify.annotations.Nullable;

/**
 * A real S3 API server for tests: s3proxy running in this JVM on a free loopback port, backed by jclouds' in-memory
 * ({@code transient}) or {@code filesystem} blob store, with random credentials and AWS signature v2/v4 checking.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start()) {
 *     s3.createBucket("backups");
 *     S3Client client = S3Client.builder()
 *             .endpointOverride(s3.endpoint())
 *             .region(Region.of(S3TestServer.REGION))
 *             .forcePathStyle(true)
 *             .credentialsProvider(StaticCredentialsProvider.create(
 *                     AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
 *             .build();
 * }
 * }</pre>
 *
 * <p>A module using this class declares {@code org.gaul:s3proxy} as a test dependency itself (excluding
 * {@code org.eclipse.jetty:*}, which s3proxy already carries relocated), since pgkeep-test-support keeps it optional.
 */
public final class S3TestServer implements AutoCloseable {
    /** The region clients should sign for; s3proxy accepts any, this one is the conventional default. */
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final BlobStore blobStore;
    private final String accessKey;
    private final String secretKey;

    private S3TestServer(Builder builder) throws Exception {
        Properties properties = new Properties();
        String provider = "transient";
        if (builder.directory != null) {
            provider = "filesystem";
            Files.createDirectories(builder.directory);
            properties.setProperty(
                    FilesystemConstants.PROPERTY_BASEDIR,
                    builder.directory.toAbsolutePath().toString());
        }
        this.context = ContextBuilder.newBuilder(provider)
                .credentials("identity", "credential")
                .overrides(properties)
                .build(BlobStoreContext.class);
        this.blobStore = builder.decorator.apply(context.getBlobStore());
        this.accessKey = "AK" + randomHex(9);
        this.secretKey = randomHex(20);
        this.proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(builder.ignoreUnknownHeaders)
                .build();
        try {
            proxy.start();
            // start() returns before Jetty is accepting; its state tells when it is
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start within 30 s: " + proxy.getState());
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            context.close();
            throw e;
        }
    }

    /** Starts a server that keeps objects in memory. */
    public static S3TestServer start() throws Exception {
        return builder().start();
    }

    /** Options: a folder instead of memory, or a decorator that injects faults into the blob store. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where clients connect, e.g. {@code http://127.0.0.1:41234}; use path-style addressing. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Creates a bucket (idempotent). */
    public void createBucket(String name) {
        blobStore.createContainerInLocation(null, name);
    }

    /** The blob store behind the API, for tests that inspect what was stored without going through S3. */
    public BlobStore blobStore() {
        return blobStore;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop cleanly", e);
        } finally {
            context.close();
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Options of an {@link S3TestServer}. */
    public static final class Builder {
        private @Nullable Path directory;
        private UnaryOperator<BlobStore> decorator = UnaryOperator.identity();
        private boolean ignoreUnknownHeaders;

        private Builder() {}

        /** Keeps objects as files under {@code directory} (for large objects that should not sit in the heap). */
        public Builder filesystem(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Wraps the blob store, e.g. in a {@code ForwardingBlobStore} that fails some calls. */
        public Builder blobStoreDecorator(UnaryOperator<BlobStore> decorator) {
            this.decorator = decorator;
            return this;
        }

        /**
         * Accepts headers s3proxy does not implement (e.g. {@code x-amz-server-side-encryption}) instead of answering
         * 501 NotImplemented, so clients that send them can be tested.
         */
        public Builder ignoreUnknownHeaders(boolean ignore) {
            this.ignoreUnknownHeaders = ignore;
            return this;
        }

        public S3TestServer start() throws Exception {
            return new S3TestServer(this);
        }
    }
}
