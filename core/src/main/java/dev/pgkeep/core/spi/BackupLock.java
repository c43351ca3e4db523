package dev.pgkeep.core.spi;

import dev.pgkeep.core.DatabaseConnection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Keeps backups of one database from running twice at once, and restores into one database likewise, across every
 * process and instance. The default takes PostgreSQL advisory locks, so no extra infrastructure is needed and a
 * crashed holder releases them when its session ends.
 */
public interface BackupLock {

    /** A lock that is always granted (for tests and single-process tools that lock elsewhere). */
    BackupLock NONE = database -> Optional.of(() -> {});

    /**
     * The second half of pgkeep's two-int PostgreSQL advisory lock keys for a database (the first half names the
     * purpose: backup lock, restore lock, schedule claim): the CRC-32 of its name's UTF-8 bytes, the same in every
     * process.
     */
    static int advisoryKey(String database) {
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Takes the backup lock for {@code database} without waiting; empty when someone else holds it. */
    Optional<Lease> tryAcquire(DatabaseConnection database);

    /**
     * Takes the restore lock for the {@code target} database (which may not exist yet) without waiting; empty when
     * another restore into it holds it. The default grants it always, for locks that coordinate backups only.
     */
    default Optional<Lease> tryAcquireRestore(DatabaseConnection target) {
        return Optional.of(() -> {});
    }

    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {

        /**
         * Fails ({@code FAILED}) when the lock is known to be lost, e.g. because its session was terminated; a
         * backup calls it just before its manifest is written. The default has nothing to check.
         */
        default void ensureHeld() {}

        @Override
        void close();
    }
}
