package dev.pgkeep.storage.s3;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Opens {@code s3://bucket/prefix?...} repositories (registered for {@link java.util.ServiceLoader}). Settings fill in
 * what the URI leaves out: {@code endpoint}, {@code region}, {@code path-style}; a front end's
 * {@link AwsCredentialsProvider} component replaces the SDK's default chain.
 */
public final class S3StorageAdapterFactory implements StorageAdapterFactory {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public StorageAdapter open(URI repository, Context context) {
        String uri = repository.toString();
        S3StorageOptions.Builder options = S3StorageOptions.fromUri(uri).toBuilder();
        if (!uri.contains("endpoint=")) {
            context.setting("endpoint").ifPresent(e -> options.endpoint(URI.create(e)));
        }
        if (!uri.contains("region=")) {
            context.setting("region").ifPresent(options::region);
        }
        if (context.setting("path-style").map(Boolean::parseBoolean).orElse(false)) {
            options.pathStyle(true);
        }
        context.component(AwsCredentialsProvider.class).ifPresent(options::credentialsProvider);
        return S3StorageAdapter.fromOptions(options.build());
    }
}
