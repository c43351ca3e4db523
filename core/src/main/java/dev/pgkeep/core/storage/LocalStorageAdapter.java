package dev.pgkeep.core.storage;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
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
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Keeps objects as files under a root folder. A write goes to {@code <name>.<random>.partial} next to its final
 * name, is fsynced, atomically renamed, and the folder is fsynced, so a crash at any moment leaves either the old
 * state or the new one plus a {@code .partial} file that {@link #removeIncompleteWrites} deletes later.
 *
 * <p>The writer holds an exclusive OS lock ({@link FileChannel#tryLock()}) on its {@code .partial} file from creation
 * to commit or abort; the operating system drops it when the process dies, however it dies. So a partial whose lock
 * cleanup can take is provably dead and goes at once; only where the file system has no working locks does cleanup
 * fall back to the age of the file.
 */
public final class LocalStorageAdapter implements StorageAdapter {
    static final String PARTIAL = ".partial";

    /**
     * Partials this JVM is writing. Cleanup never opens them: on POSIX systems closing any channel to a file releases
     * every lock this process holds on it, so even a look at a live partial would hand its lock to other processes.
     */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

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

    /**
     * Creates {@code dir} and its missing parents, and fsyncs the folder holding each one it created, so a crash
     * after a commit cannot lose the new folder (and the committed object in it) from the directory tree.
     */
    private static void createPrivateDirectories(Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        try {
            Files.createDirectories(dir, PRIVATE_DIRECTORY);
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // no POSIX permissions here
        }
        if (existing != null && !existing.equals(dir)) {
            for (Path created = dir; !created.equals(existing); created = created.getParent()) {
                fsyncDirectory(created.getParent());
            }
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
        Path temp;
        FileChannel channel;
        while (true) {
            temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + PARTIAL);
            WRITING.add(temp);
            try {
                channel = openPrivate(temp);
            } catch (IOException | RuntimeException e) {
                WRITING.remove(temp);
                throw e;
            }
            if (lockForWriting(channel, temp)) {
                break;
            }
            WRITING.remove(temp);
        }
        Path partial = temp;
        FileChannel locked = channel;
        OutputStream out = Channels.newOutputStream(locked);
        return new PendingObject() {
            private boolean committed;
            private boolean closed;

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void commit() throws IOException {
                locked.force(true);
                try {
                    // renamed while still locked: cleanup never sees this partial unlocked
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("The repository's file system cannot rename atomically: " + root, e);
                } finally {
                    locked.close();
                    WRITING.remove(partial);
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
                    try {
                        Files.deleteIfExists(partial); // still locked: no other cleanup can take it meanwhile
                    } finally {
                        locked.close();
                        WRITING.remove(partial);
                    }
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
        List<ObjectInfo> result = new ArrayList<>();
        walk(prefix, file -> {
            String name = file.path().getFileName().toString();
            if (name.endsWith(PARTIAL) || !file.attributes().isRegularFile()) {
                return;
            }
            String key = root.relativize(file.path())
                    .toString()
                    .replace(file.path().getFileSystem().getSeparator(), "/");
            if (key.startsWith(prefix)) {
                result.add(new ObjectInfo(
                        key,
                        file.attributes().size(),
                        file.attributes().lastModifiedTime().toInstant()));
            }
        });
        result.sort((a, b) -> a.key().compareTo(b.key()));
        return result;
    }

    /** A file met while walking the repository, with the attributes read when it was visited. */
    record WalkedFile(Path path, BasicFileAttributes attributes) {}

    /** Seen by tests: called before each entry of a walk is visited, e.g. to delete it under the walk's feet. */
    interface WalkHook {
        void beforeVisit(Path entry) throws IOException;
    }

    private volatile WalkHook walkHook = entry -> {};

    void walkHook(WalkHook hook) {
        this.walkHook = hook;
    }

    @FunctionalInterface
    private interface FileAction {
        void accept(WalkedFile file) throws IOException;
    }

    /**
     * Every regular file in the folder that holds the keys starting with {@code prefix} (the whole root for an empty
     * prefix; {@code db/id/} walks only that backup's folder). Entries that vanish during the walk (a concurrent commit
     * renames its partial, a delete removes a folder) are skipped: {@link Files#walk} would throw {@code
     * UncheckedIOException} there.
     */
    private void walk(String prefix, FileAction action) throws IOException {
        Path start = root;
        int slash = prefix.lastIndexOf('/');
        if (slash > 0) {
            Path folder = root.resolve(prefix.substring(0, slash)).normalize();
            if (folder.startsWith(root)) {
                start = folder;
            }
        }
        if (!Files.isDirectory(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) { // the hook sees what a concurrent writer could change
                    walkHook.beforeVisit(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                walkHook.beforeVisit(file);
                action.accept(new WalkedFile(file, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // gone since its folder was read
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = resolve(key);
        Files.deleteIfExists(file);
        removeEmptyParents(file.getParent());
    }

    /**
     * Removes every {@code .partial} file whose writer is dead: its OS lock can be taken (the writer holds it until
     * commit or abort, and the OS drops it with the process). Only where the file system cannot lock is the age
     * rule ({@code olderThan}) used instead.
     */
    @Override
    public int removeIncompleteWrites(Duration olderThan) throws IOException {
        return removeDeadPartials("", olderThan);
    }

    /** Local partials are proven dead by their locks whatever the caller knows; see {@link #removeIncompleteWrites}. */
    @Override
    public int removeIncompleteWrites(String keyPrefix) throws IOException {
        return removeDeadPartials(keyPrefix, Duration.ZERO);
    }

    private int removeDeadPartials(String keyPrefix, Duration olderThan) throws IOException {
        Instant cutoff = Instant.now().minus(olderThan);
        List<WalkedFile> leftovers = new ArrayList<>();
        walk(keyPrefix, file -> {
            String key = root.relativize(file.path())
                    .toString()
                    .replace(file.path().getFileSystem().getSeparator(), "/");
            if (file.path().getFileName().toString().endsWith(PARTIAL) && key.startsWith(keyPrefix)) {
                leftovers.add(file);
            }
        });
        int removed = 0;
        for (WalkedFile leftover : leftovers) {
            boolean old = leftover.attributes().lastModifiedTime().toInstant().isBefore(cutoff);
            if (removeIfDead(leftover.path(), old)) {
                removeEmptyParents(leftover.path().getParent());
                removed++;
            }
        }
        return removed;
    }

    /** Deletes {@code partial} while holding its lock, so that its writer is known dead when it goes. */
    private static boolean removeIfDead(Path partial, boolean oldEnoughWithoutLocks) throws IOException {
        if (WRITING.contains(partial)) {
            return false; // written by this JVM: not even opened, see WRITING
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(partial, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return false; // committed or aborted since the walk
        }
        try (channel) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // a writer in this JVM holds it (another adapter instance's cleanup saw it first)
            } catch (IOException e) {
                // no working locks here (some network file systems): only age can tell
                if (oldEnoughWithoutLocks) {
                    return Files.deleteIfExists(partial);
                }
                return false;
            }
            if (lock == null) {
                return false; // another process writes it
            }
            return Files.deleteIfExists(partial);
        }
    }

    /**
     * Takes the writer's lock on a new partial; false when cleanup removed the file between its creation and the
     * lock (then the caller starts over with a new name).
     */
    private static boolean lockForWriting(FileChannel channel, Path partial) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM's cleanup for the moment
        } catch (IOException e) {
            return true; // no working locks: cleanup falls back to age
        }
        if (lock == null || !Files.exists(partial)) {
            channel.close();
            Files.deleteIfExists(partial);
            return false;
        }
        return true;
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
