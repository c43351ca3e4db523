package dev.pgkeep.core.storage;

import dev.pgkeep.core.spi.StorageAdapter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Objects in memory: for tests and demos, never for backups that must outlive the process. Follows the whole
 * {@link StorageAdapter} contract (nothing visible before commit, nothing left by an abort).
 */
public final class InMemoryStorageAdapter implements StorageAdapter {
    private record Stored(byte[] bytes, Instant lastModified) {}

    private final Map<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public InMemoryStorageAdapter() {
        this(Clock.systemUTC());
    }

    public InMemoryStorageAdapter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public PendingObject create(String key) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new PendingObject() {
            @Override
            public OutputStream output() {
                return buffer;
            }

            @Override
            public void commit() {
                objects.put(key, new Stored(buffer.toByteArray(), clock.instant()));
            }

            @Override
            public void close() {
                // nothing was visible before commit, so there is nothing to abort
            }
        };
    }

    @Override
    public InputStream read(String key) throws IOException {
        return new ByteArrayInputStream(require(key).bytes());
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        byte[] bytes = require(key).bytes();
        int from = (int) Math.min(offset, bytes.length);
        int to = (int) Math.min(bytes.length, from + length);
        return new ByteArrayInputStream(bytes, from, to - from);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Stored s = objects.get(key);
        return s == null ? Optional.empty() : Optional.of(new ObjectInfo(key, s.bytes().length, s.lastModified()));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> result = new ArrayList<>();
        objects.forEach((key, s) -> {
            if (key.startsWith(prefix)) {
                result.add(new ObjectInfo(key, s.bytes().length, s.lastModified()));
            }
        });
        return result;
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    /** Replaces a committed object's bytes, as a damaged or tampered disk would (for tests). */
    public void overwrite(String key, byte[] bytes) {
        objects.put(key, new Stored(bytes.clone(), clock.instant()));
    }

    @Override
    public String describe() {
        // one instance, one repository: two in-memory repositories must not look alike (copy refuses same-to-same)
        return "memory:" + Integer.toHexString(System.identityHashCode(this));
    }

    private Stored require(String key) throws NoSuchFileException {
        Stored s = objects.get(key);
        if (s == null) {
            throw new NoSuchFileException(key);
        }
        return s;
    }
}
