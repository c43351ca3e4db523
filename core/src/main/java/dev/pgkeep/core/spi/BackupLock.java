package dev.pgkeep.core.spi;

import dev.pgkeep.core.DatabaseConnection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Keeps backups of one database from running twice at once, across every process and instance. The default takes a
 * PostgreSQL advisory lock on the source database itself, so no extra infrastructure is needed and a crashed holder
 * releases it when its session ends.
 */
public interface BackupLock {

    /** A lock that is always granted (for tests and single-process tools that lock elsewhere). */
    BackupLock NONE = database -> Optional.of(() -> {});

    /**
     * The second half of pgkeep's two-int PostgreSQL advisory lock keys for a database (the first half names the
     * purpose: backup lock, schedule claim): the CRC-32 of its name's UTF-8 bytes, the same in every process.
     */
    static int advisoryKey(String database) {
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Takes the lock for {@code database} without waiting; empty when someone else holds it. */
    Optional<Lease> tryAcquire(DatabaseConnection database);

    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
