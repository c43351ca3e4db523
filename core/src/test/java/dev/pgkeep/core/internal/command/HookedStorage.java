package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real storage adapter with hooks run before reads and writes of chosen keys: to fail them, block them, or do
 * something concurrent (a delete) at an exact point of a command, without timing.
 */
class HookedStorage implements StorageAdapter {
    @FunctionalInterface
    interface Hook {
        void run(String key) throws IOException;
    }

    private final StorageAdapter storage;
    volatile Hook beforeRead = key -> {};
    volatile Hook beforeCreate = key -> {};
    /** Every prefix listed, in order. */
    final List<String> listed = new java.util.concurrent.CopyOnWriteArrayList<>();

    HookedStorage(StorageAdapter storage) {
        this.storage = storage;
    }

    @Override
    public PendingObject create(String key) throws IOException {
        beforeCreate.run(key);
        return storage.create(key);
    }

    @Override
    public InputStream read(String key) throws IOException {
        beforeRead.run(key);
        return storage.read(key);
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        beforeRead.run(key);
        return storage.read(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return storage.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        listed.add(prefix);
        return storage.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        storage.delete(key);
    }

    @Override
    public int removeIncompleteWrites(Duration olderThan) throws IOException {
        return storage.removeIncompleteWrites(olderThan);
    }

    @Override
    public int removeIncompleteWrites(String keyPrefix) throws IOException {
        return storage.removeIncompleteWrites(keyPrefix);
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.empty(); // always read through read(), so that the hooks see it
    }

    @Override
    public String describe() {
        return storage.describe();
    }
}
