package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.spi.StorageAdapter;

/**
 * Builds the {@link StorageAdapter} for a {@code pgkeep.repository} URI scheme that core does not know (such as
 * {@code s3://}); optional adapter modules contribute one each. Local folders need none.
 */
public interface RepositoryStorageFactory {

    /** Whether this factory builds storage for {@code repository}. */
    boolean supports(String repository);

    StorageAdapter create(String repository, PgkeepProperties properties);
}
