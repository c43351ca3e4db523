package dev.pgkeep.core.storage;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Opens a repository from what a user writes: a folder, {@code file:///path}, or a URI of a scheme an adapter module
 * on the classpath registers (a {@link StorageAdapterFactory}; {@code s3://} comes with pgkeep-storage-s3).
 */
public final class StorageAdapters {
    /** Where the schemes pgkeep ships are, for the message when one is missing. */
    private static final Map<String, String> MODULES = Map.of("s3", "dev.pgkeep:pgkeep-storage-s3");

    private StorageAdapters() {}

    public static StorageAdapter open(String repository, StorageAdapterFactory.Context context) {
        return open(repository, context, StorageAdapters.class.getClassLoader());
    }

    /** {@link #open(String, StorageAdapterFactory.Context)}, with factories found through {@code classLoader}. */
    public static StorageAdapter open(
            String repository, StorageAdapterFactory.Context context, ClassLoader classLoader) {
        if (repository.isBlank()) {
            throw new BadInputException("No repository given: a folder, file:///path or s3://bucket/prefix.");
        }
        String scheme = scheme(repository);
        if (scheme == null) {
            return new LocalStorageAdapter(Path.of(repository));
        }
        if (scheme.equals("file")) {
            return new LocalStorageAdapter(Path.of(URI.create(repository)));
        }
        Iterator<StorageAdapterFactory> factories =
                ServiceLoader.load(StorageAdapterFactory.class, classLoader).iterator();
        while (true) {
            StorageAdapterFactory factory;
            try {
                if (!factories.hasNext()) {
                    break;
                }
                factory = factories.next();
            } catch (ServiceConfigurationError e) {
                // a registered factory whose classes this class loader cannot see (a filtered test loader, say)
                continue;
            }
            if (factory.scheme().equalsIgnoreCase(scheme)) {
                return factory.open(URI.create(repository), context);
            }
        }
        String module = MODULES.get(scheme);
        throw new BadInputException("The repository " + repository.replaceAll("//[^/@]*@", "//***@")
                + (module != null
                        ? " needs " + module + " on the classpath."
                        : " has a scheme (" + scheme + ") no storage module on the classpath handles; use a folder,"
                                + " file:///path or s3://bucket/prefix."));
    }

    /** The URI scheme, lower case; {@code null} for a plain path (a Windows drive letter is not a scheme). */
    static @Nullable String scheme(String repository) {
        int colon = repository.indexOf("://");
        if (colon < 2 || !repository.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
            return repository.startsWith("file:") ? "file" : null;
        }
        return repository.substring(0, colon).toLowerCase(Locale.ROOT);
    }
}
