package dev.pgkeep.core.spi;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the storage for repository URIs of one scheme that core does not handle itself (core handles folders and
 * {@code file:} URIs), such as {@code s3://bucket/prefix}. Adapter modules register theirs in
 * {@code META-INF/services/dev.pgkeep.core.spi.StorageAdapterFactory}; {@code StorageAdapters.open} finds them with
 * {@link java.util.ServiceLoader}, so the CLI and the Spring Boot starter open repositories with one call.
 */
public interface StorageAdapterFactory {

    /** The URI scheme this factory opens, e.g. {@code s3}. */
    String scheme();

    /** The storage for {@code repository}; {@code context} fills in what the URI leaves out. */
    StorageAdapter open(URI repository, Context context);

    /**
     * What the front end adds to a repository URI: named settings (a property, an environment variable; a value in
     * the URI itself wins) and components it already has (the host's credentials provider bean, say).
     */
    interface Context {
        Optional<String> setting(String name);

        <T> Optional<T> component(Class<T> type);

        /** Settings only, no components. */
        static Context of(Map<String, String> settings) {
            return new Context() {
                @Override
                public Optional<String> setting(String name) {
                    return Optional.ofNullable(settings.get(name));
                }

                @Override
                public <T> Optional<T> component(Class<T> type) {
                    return Optional.empty();
                }
            };
        }
    }
}
