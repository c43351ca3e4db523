package dev.pgkeep.core.spi;

import dev.pgkeep.core.DatabaseConnection;
import java.util.Optional;

/**
 * Keeps backups of one database from running twice at once, across every process and instance. The default takes a
 * PostgreSQL advisory lock on the source database itself, so no extra infrastructure is needed and a crashed holder
 * releases it when its session ends.
 */
public interface BackupLock {

    /** A lock that is always granted (for tests and single-process tools that lock elsewhere). */
    BackupLock NONE = database -> Optional.of(() -> {});

    /** Takes the lock for {@code database} without waiting; empty when someone else holds it. */
    Optional<Lease> tryAcquire(DatabaseConnection database);

    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
