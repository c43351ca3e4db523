package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.storage.s3.S3StorageAdapter;
import dev.pgkeep.storage.s3.S3StorageOptions;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds an {@link S3StorageAdapter} for {@code pgkeep.repository=s3://bucket/prefix?...}; {@code pgkeep.s3.*}
 * fills in what the URI leaves out. Credentials come from the host's {@link AwsCredentialsProvider} bean when it has
 * one, else from the AWS SDK's default chain (environment, profile, instance role), never from pgkeep's properties.
 * Loaded only when pgkeep-storage-s3 is on the classpath.
 */
final class S3RepositoryStorageFactory implements RepositoryStorageFactory {
    private final @Nullable AwsCredentialsProvider credentials;

    S3RepositoryStorageFactory(@Nullable AwsCredentialsProvider credentials) {
        this.credentials = credentials;
    }

    @Override
    public boolean supports(String repository) {
        return repository.startsWith("s3://");
    }

    @Override
    public StorageAdapter create(String repository, PgkeepProperties properties) {
        S3StorageOptions parsed = S3StorageOptions.fromUri(repository);
        S3StorageOptions.Builder options = parsed.toBuilder();
        PgkeepProperties.S3 s3 = properties.getS3();
        boolean uriHasEndpoint = repository.contains("endpoint=");
        if (s3.getEndpoint() != null && !uriHasEndpoint) {
            options.endpoint(URI.create(s3.getEndpoint()));
        }
        if (s3.getRegion() != null && !repository.contains("region=")) {
            options.region(s3.getRegion());
        }
        if (credentials != null) {
            options.credentialsProvider(credentials);
        }
        if (s3.isPathStyle()) {
            options.pathStyle(true);
        }
        return S3StorageAdapter.fromOptions(options.build()).ensureReachable();
    }
}
