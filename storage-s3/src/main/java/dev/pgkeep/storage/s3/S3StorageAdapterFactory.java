package dev.pgkeep.storage.s3;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import java.net.URI;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Opens {@code s3://bucket/prefix?...} repositories (registered for {@link java.util.ServiceLoader}). Settings fill in
 * what the URI leaves out, under the URI parameters' names ({@link S3StorageOptions#PARAMETERS}: {@code endpoint},
 * {@code region}, {@code path-style}, {@code profile}, {@code part-size}, {@code sse}, {@code kms-key-id},
 * {@code storage-class}, {@code max-attempts}...): a parameter in the URI wins over the setting of the same name. A
 * front end's {@link AwsCredentialsProvider} component replaces the SDK's default chain.
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
        Set<String> inUri = S3StorageOptions.parameterNames(uri);
        for (String name : S3StorageOptions.PARAMETERS) {
            if (inUri.contains(name)) {
                continue;
            }
            context.setting(name).ifPresent(value -> {
                try {
                    // the URI alone was valid: the first setting that makes the options invalid is the one to name
                    options.parameter(name, value).build();
                } catch (BadInputException e) {
                    throw new BadInputException("S3 setting " + name + ": " + e.getMessage(), e);
                }
            });
        }
        context.component(AwsCredentialsProvider.class).ifPresent(options::credentialsProvider);
        return S3StorageAdapter.fromOptions(options.build());
    }
}
