package dev.pgkeep.core.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where backups are kept: a flat namespace of objects addressed by keys such as {@code mydb/20261125T020000Z-7f3a/
 * manifest.json}. Adapters implement plain object operations; the backup layout, the commit order (dump first,
 * manifest last) and retention live once in core.
 *
 * <p>Contract (checked by {@code StorageAdapterContract} in pgkeep-test-support):
 *
 * <ul>
 *   <li>An object written through {@link #create} is invisible to {@link #list}, {@link #stat} and {@link #read}
 *       until {@link PendingObject#commit()} returns, and then it is durable.
 *   <li>Closing a {@link PendingObject} without commit leaves nothing behind (no object, no temporary file, no open
 *       multipart upload).
 *   <li>Keys use {@code /} as separator; adapters never interpret {@code ..} or absolute paths.
 * </ul>
 */
public interface StorageAdapter {

    /** Starts writing {@code key}. Replaces an existing object of that key on commit. */
    PendingObject create(String key) throws IOException;

    /** Reads a committed object; fails with {@link java.nio.file.NoSuchFileException} when it does not exist. */
    InputStream read(String key) throws IOException;

    /** Reads {@code length} bytes of a committed object from {@code offset} (fewer at the end of the object). */
    InputStream read(String key, long offset, long length) throws IOException;

    /** Size and modification time of a committed object, or empty. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every committed object whose key starts with {@code prefix}, sorted by key; pages through large listings. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Deletes an object; deleting a missing object is not an error. */
    void delete(String key) throws IOException;

    /**
     * Removes what interrupted writes left behind (temporary files, open multipart uploads) whose writer is dead: an
     * adapter that can prove it (the local one: the writer's file lock is free) removes such leftovers at once; what
     * cannot be proven goes only once older than {@code olderThan}, so that a write still running elsewhere is not
     * disturbed.
     *
     * @return how many leftovers were removed
     */
    default int removeIncompleteWrites(Duration olderThan) throws IOException {
        return 0;
    }

    /**
     * Removes every leftover of interrupted writes under {@code keyPrefix}, however young: the caller knows that no
     * write under it can be running (core calls it for {@code <database>/} while holding that database's backup
     * lock). Adapters that cannot limit cleanup to a prefix keep the default, which removes nothing.
     *
     * @return how many leftovers were removed
     */
    default int removeIncompleteWrites(String keyPrefix) throws IOException {
        return 0;
    }

    /** A local file holding the committed object, when the adapter stores objects as files (enables parallel restore). */
    default Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    /** Where this adapter stores objects, for messages: a path or URI without credentials. */
    String describe();

    /** An object being written. */
    interface PendingObject extends Closeable {
        /** Where to write the object's bytes; do not close it, call {@link #commit()} or {@link #close()}. */
        OutputStream output();

        /** Makes the object durable and visible. */
        void commit() throws IOException;

        /** Aborts the write unless {@link #commit()} succeeded; never throws for an already committed object. */
        @Override
        void close() throws IOException;
    }

    /** A committed object. */
    record ObjectInfo(String key, long size, Instant lastModified) {}
}
