package dev.pgkeep.core.storage;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps objects as files under a root folder. A write goes to {@code <name>.<random>.partial} next to its final
 * name, is fsynced, atomically renamed, and the folder is fsynced, so a crash at any moment leaves either the old
 * state or the new one plus a {@code .partial} file that {@link #removeIncompleteWrites} deletes later.
 */
public final class LocalStorageAdapter implements StorageAdapter {
    static final String PARTIAL = ".partial";

    private final Path root;

    public LocalStorageAdapter(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Creates the root folder if needed and checks that it is writable, with a message saying what to fix. */
    public LocalStorageAdapter ensureWritable() {
        try {
            createPrivateDirectories(root);
            Path probe = Files.createTempFile(root, ".pgkeep-write-test", PARTIAL);
            Files.delete(probe);
            return this;
        } catch (FileAlreadyExistsException e) {
            throw new PgkeepException(
                    "Repository " + root + " exists but is not a folder; choose another repository.", e);
        } catch (AccessDeniedException e) {
            throw new PgkeepException(
                    "Repository " + root + " is not writable by this user (" + System.getProperty("user.name")
                            + "); fix its permissions or choose another folder.",
                    e);
        } catch (IOException e) {
            throw new PgkeepException("Repository " + root + " is not usable: " + e.getMessage(), e);
        }
    }

    /**
     * Backups hold the whole database: folders pgkeep creates are {@code rwx------} and files {@code rw-------}
     * (where the file system has POSIX permissions), whatever the process's umask lets through.
     */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private static void createPrivateDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PRIVATE_DIRECTORY);
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // no POSIX permissions here
        }
    }

    private static FileChannel openPrivate(Path file) throws IOException {
        try {
            return FileChannel.open(
                    file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PRIVATE_FILE);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public PendingObject create(String key) throws IOException {
        Path target = resolve(key);
        createPrivateDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + PARTIAL);
        FileChannel channel = openPrivate(temp);
        OutputStream out = Channels.newOutputStream(channel);
        return new PendingObject() {
            private boolean committed;
            private boolean closed;

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void commit() throws IOException {
                channel.force(true);
                channel.close();
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("The repository's file system cannot rename atomically: " + root, e);
                }
                fsyncDirectory(target.getParent());
                committed = true;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                if (!committed) {
                    channel.close();
                    Files.deleteIfExists(temp);
                    // create() made the folders; an aborted write must not leave them behind
                    removeEmptyParents(target.getParent());
                }
            }
        };
    }

    @Override
    public InputStream read(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(resolve(key));
        channel.position(offset);
        InputStream whole = Channels.newInputStream(channel);
        return new InputStream() {
            private long remaining = length;

            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = whole.read();
                if (b >= 0) {
                    remaining--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = whole.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                whole.close();
            }
        };
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path file = resolve(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(
                    new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<ObjectInfo> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(PARTIAL) || !Files.isRegularFile(file)) {
                    continue;
                }
                String key = root.relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix)) {
                    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                    result.add(new ObjectInfo(
                            key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException e) {
            // a folder vanished while walking (a concurrent delete); what was found is still right
        }
        result.sort((a, b) -> a.key().compareTo(b.key()));
        return result;
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = resolve(key);
        Files.deleteIfExists(file);
        removeEmptyParents(file.getParent());
    }

    @Override
    public int removeIncompleteWrites(Duration olderThan) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(olderThan);
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.getFileName().toString().endsWith(PARTIAL)).forEach(leftovers::add);
        }
        int removed = 0;
        for (Path leftover : leftovers) {
            try {
                if (Files.getLastModifiedTime(leftover).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(leftover);
                    removeEmptyParents(leftover.getParent());
                    removed++;
                }
            } catch (NoSuchFileException e) {
                // removed concurrently
            }
        }
        return removed;
    }

    @Override
    public Optional<Path> localFile(String key) {
        Path file = resolve(key);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public String toString() {
        return "LocalStorageAdapter[" + root + "]";
    }

    private Path resolve(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new BadInputException("Invalid storage key '" + key + "'.");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new BadInputException("Invalid storage key '" + key + "'.");
            }
        }
        Path resolved = root.resolve(key).normalize();
        if (!resolved.startsWith(root)) {
            throw new BadInputException("Invalid storage key '" + key + "'.");
        }
        return resolved;
    }

    private void removeEmptyParents(Path dir) {
        Path current = dir;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try {
                Files.delete(current);
            } catch (IOException e) {
                return; // not empty, or gone
            }
            current = current.getParent();
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open folders; the rename itself is still atomic there
        }
    }
}
