package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.ArchiveFormat;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.postgres.PgRestoreCheck;
import dev.pgkeep.core.internal.postgres.PgRestoreRun;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Gets an archive ready for pg_restore and proves it intact before any database is touched: a stored backup's
 * SHA-256 is checked against its manifest (downloading it to a temporary file first when the storage is remote); a
 * foreign local file is decoded completely (OpenPGP integrity, codec checksums, archive structure) and must pass
 * {@code pg_restore --list}.
 */
public final class ArchiveStaging {
    private static final int BUFFER = 256 * 1024;

    private final StorageAdapter storage;
    private final Encryptor encryptor;
    private final PgTools tools;
    private final Path tempDirectory;
    private final long maxDecodedBytes;

    public ArchiveStaging(
            StorageAdapter storage, Encryptor encryptor, PgTools tools, Path tempDirectory, long maxDecodedBytes) {
        this.maxDecodedBytes = maxDecodedBytes;
        this.storage = storage;
        this.encryptor = encryptor;
        this.tools = tools;
        this.tempDirectory = tempDirectory;
    }

    /** An archive proven intact, ready to restore; closing removes its temporary files. */
    public interface Staged extends AutoCloseable {
        long storedBytes();

        String describe();

        /**
         * The major version of the pg_dump that wrote the archive (pg_restore must be as new); 0 when unknown.
         */
        int dumpMajor();

        /** Runs pg_restore into {@code target} with {@code options}; fails with pg_restore's message. */
        void restoreInto(RestoreTarget target, List<String> options);

        /** What the archive says about the database itself (encoding, locale, settings), read from its header. */
        DatabaseProperties databaseProperties();

        /**
         * Decodes the whole archive through {@code pg_restore --list} and the archive inspector; fails with an
         * {@link IntegrityException} when it is unreadable, incomplete, or its row counts differ from {@code expected}.
         *
         * @return the number of table-of-contents entries
         */
        int checkArchive(@Nullable List<BackupManifest.TableRows> expected);

        @Override
        void close();
    }

    /**
     * Where a restore goes and with which tools: {@code tools} are of the target server's major or newer (and as new
     * as the archive's pg_dump).
     */
    public record RestoreTarget(DatabaseConnection database, PgTools tools, int serverMajor) {}

    // ---------------------------------------------------------------- stored backups

    public Staged stageStored(BackupManifest manifest, boolean plainFile) {
        if (manifest.encryption() != null && encryptor == Encryptor.NONE) {
            throw new BadInputException("Backup " + manifest.id() + " is encrypted ("
                    + manifest.encryption().type()
                    + ", keys " + manifest.encryption().recipients() + "); give the secret key with --decrypt-key"
                    + " KEYFILE --passphrase-env VAR.");
        }
        String key = RepositoryLayout.dumpKey(manifest.database(), manifest.id(), manifest.dumpObject());
        Codec codec = Codec.of(
                manifest.compression().codec(),
                manifest.compression().level() == 0
                        ? null
                        : manifest.compression().level());
        List<Path> temporary = new ArrayList<>();
        try {
            Path stored;
            Optional<Path> local = storage.localFile(key);
            String sha;
            long size;
            if (local.isPresent()) {
                stored = local.get();
                try (InputStream in = Files.newInputStream(stored)) {
                    HashResult h = hash(in, null);
                    sha = h.sha256();
                    size = h.bytes();
                }
            } else {
                stored = newTempFile("stored", temporary);
                try (InputStream in = storage.read(key);
                        OutputStream out = Files.newOutputStream(stored)) {
                    HashResult h = hash(in, out);
                    sha = h.sha256();
                    size = h.bytes();
                }
            }
            if (size != manifest.storedBytes() || !sha.equals(manifest.sha256())) {
                throw new IntegrityException("Backup " + manifest.id() + " is corrupt: its stored object " + key
                        + " has SHA-256 " + sha + " and " + size + " bytes, the manifest says " + manifest.sha256()
                        + " and " + manifest.storedBytes() + " bytes. Nothing was restored; restore an older backup"
                        + " ('pgkeep list').");
            }
            Path storedFile = stored;
            int dumpMajor = manifest.pgDumpVersion() == null ? 0 : PgTools.major(manifest.pgDumpVersion());
            StreamingStaged streaming = new StreamingStaged(
                    manifest.id().value(),
                    size,
                    dumpMajor,
                    temporary,
                    () -> codec.decompress(decrypt(manifest, Files.newInputStream(storedFile))));
            // OpenPGP proves integrity only at the end of the message: an encrypted backup is decoded completely
            // before pg_restore starts, so that someone able to rewrite object and manifest alike still cannot get a
            // partly applied restore
            if (!plainFile && manifest.encryption() == null) {
                return streaming;
            }
            Path plain = newTempFile("plain", temporary);
            try (InputStream in = streaming.open();
                    OutputStream out = Files.newOutputStream(plain)) {
                in.transferTo(out);
            }
            return new FileStaged(manifest.id().value(), size, dumpMajor, plain, temporary);
        } catch (NoSuchFileException e) {
            deleteAll(temporary);
            throw new IntegrityException(
                    "Backup " + manifest.id() + " has a manifest but its dump object " + key + " is missing from "
                            + storage.describe() + ".",
                    e);
        } catch (IOException e) {
            deleteAll(temporary);
            throw new IntegrityException("Backup " + manifest.id() + " cannot be read back: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteAll(temporary);
            throw e;
        }
    }

    /** Decrypts a stored object, naming the backup when the key does not fit. */
    private InputStream decrypt(BackupManifest manifest, InputStream stored) throws IOException {
        try {
            return encryptor.decrypt(stored);
        } catch (BadInputException e) {
            stored.close();
            throw new BadInputException("Backup " + manifest.id() + ": " + e.getMessage(), e);
        } catch (IntegrityException e) {
            stored.close();
            throw new IntegrityException("Backup " + manifest.id() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- local files

    public Staged stageFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("No archive file at " + file + ".");
        }
        List<Path> temporary = new ArrayList<>();
        try {
            long size = Files.size(file);
            Path plain = newTempFile("plain", temporary);
            ArchiveInspector inspector = new ArchiveInspector();
            try (InputStream in = unwrap(Files.newInputStream(file), file.toString());
                    OutputStream out = Files.newOutputStream(plain)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                long decoded = 0;
                while ((n = in.read(buffer)) >= 0) {
                    decoded += n;
                    if (decoded > maxDecodedBytes) {
                        throw new BadInputException(file.getFileName() + " expands to more than " + maxDecodedBytes
                                + " bytes, the configured limit; nothing was restored.");
                    }
                    inspector.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
                inspector.finish();
            }
            if (inspector.verdict() == ArchiveInspector.Verdict.DAMAGED) {
                throw new IntegrityException(file + " is a damaged pg_dump archive: " + inspector.problem() + ".");
            }
            String dumpVersion = inspector.dumpVersion();
            int dumpMajor = dumpVersion == null ? 0 : PgTools.major(dumpVersion);
            FileStaged staged = new FileStaged(file.getFileName().toString(), size, dumpMajor, plain, temporary);
            staged.checkArchive(null);
            return staged;
        } catch (IntegrityException | BadInputException e) {
            deleteAll(temporary);
            throw e;
        } catch (IOException e) {
            deleteAll(temporary);
            throw new IntegrityException(
                    file + " cannot be read as an archive: " + e.getMessage() + ". Nothing was restored.", e);
        } catch (RuntimeException e) {
            deleteAll(temporary);
            throw e;
        }
    }

    /** Peels encryption and compression layers, recognized by their magic bytes, down to the pg_dump archive. */
    private InputStream unwrap(InputStream raw, String name) throws IOException {
        InputStream current = new BufferedInputStream(raw, BUFFER);
        for (int layer = 0; layer < 4; layer++) {
            current.mark(64);
            byte[] head = current.readNBytes(32);
            current.reset();
            Optional<ArchiveFormat> format = ArchiveFormat.detect(head, head.length);
            if (format.isEmpty()) {
                current.close();
                throw new IntegrityException(name + " is not a pg_dump custom-format archive (nor gzip, zstd or"
                        + " OpenPGP around one): " + (head.length == 0 ? "it is empty" : "unknown magic bytes")
                        + ". Nothing was restored.");
            }
            switch (format.get()) {
                case PG_CUSTOM -> {
                    return current;
                }
                case OPENPGP -> {
                    if (encryptor == Encryptor.NONE) {
                        current.close();
                        throw new BadInputException(name + " is OpenPGP-encrypted; give the secret key with"
                                + " --decrypt-key KEYFILE --passphrase-env VAR.");
                    }
                    current = new BufferedInputStream(encryptor.decrypt(current), BUFFER);
                }
                case GZIP -> current = new BufferedInputStream(Codec.gzip(6).decompress(current), BUFFER);
                case ZSTD -> current = new BufferedInputStream(Codec.zstd(3).decompress(current), BUFFER);
            }
        }
        current.close();
        throw new IntegrityException(name + " has too many nested layers to be a pgkeep archive.");
    }

    // ---------------------------------------------------------------- pg_restore

    /** Opens the decoded archive. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** What both kinds of staged archive keep: a name for messages, the stored size, the temporary files. */
    private abstract static class BaseStaged implements Staged {
        final String name;
        private final long storedBytes;
        private final int dumpMajor;
        private final List<Path> temporary;

        BaseStaged(String name, long storedBytes, int dumpMajor, List<Path> temporary) {
            this.name = name;
            this.storedBytes = storedBytes;
            this.dumpMajor = dumpMajor;
            this.temporary = temporary;
        }

        @Override
        public int dumpMajor() {
            return dumpMajor;
        }

        /** Opens the decoded archive from its first byte. */
        abstract Opener decoded();

        @Override
        public DatabaseProperties databaseProperties() {
            ArchiveInspector inspector = new ArchiveInspector();
            try (InputStream in = decoded().open()) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while (!inspector.parsed() && !inspector.gaveUp() && (n = in.read(buffer)) >= 0) {
                    inspector.update(buffer, 0, n);
                }
                inspector.finish();
            } catch (IOException e) {
                throw new IntegrityException(name + " cannot be decoded: " + e.getMessage(), e);
            }
            return DatabaseProperties.from(inspector.databaseEntries());
        }

        @Override
        public long storedBytes() {
            return storedBytes;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void close() {
            deleteAll(temporary);
        }
    }

    /** A stored object proven by checksum, decoded on the fly into pg_restore's stdin. */
    private final class StreamingStaged extends BaseStaged {
        private final Opener opener;

        StreamingStaged(String name, long storedBytes, int dumpMajor, List<Path> temporary, Opener opener) {
            super(name, storedBytes, dumpMajor, temporary);
            this.opener = opener;
        }

        InputStream open() throws IOException {
            return opener.open();
        }

        @Override
        Opener decoded() {
            return opener;
        }

        @Override
        public void restoreInto(RestoreTarget target, List<String> options) {
            // open (and so decrypt the session key) before pg_restore starts: a wrong key fails with nothing touched
            try (InputStream in = new BufferedInputStream(opener.open(), BUFFER)) {
                in.mark(8);
                byte[] head = in.readNBytes(5);
                in.reset();
                if (!ArchiveInspector.startsWithMagic(head, head.length)) {
                    throw new IntegrityException("Backup " + name + " does not decode to a pg_dump archive.");
                }
                runPgRestore(target, options, null, in, name);
            } catch (IOException e) {
                throw new IntegrityException("Backup " + name + " cannot be decoded: " + e.getMessage(), e);
            }
        }

        @Override
        public int checkArchive(@Nullable List<BackupManifest.TableRows> expected) {
            return listAndInspect(opener, "Backup " + name, expected);
        }
    }

    /** A decoded archive on local disk: allows {@code pg_restore --jobs}. */
    private final class FileStaged extends BaseStaged {
        private final Path plain;

        FileStaged(String name, long storedBytes, int dumpMajor, Path plain, List<Path> temporary) {
            super(name, storedBytes, dumpMajor, temporary);
            this.plain = plain;
        }

        @Override
        public void restoreInto(RestoreTarget target, List<String> options) {
            runPgRestore(target, options, plain, null, name);
        }

        @Override
        Opener decoded() {
            return () -> Files.newInputStream(plain);
        }

        @Override
        public int checkArchive(@Nullable List<BackupManifest.TableRows> expected) {
            return listAndInspect(() -> Files.newInputStream(plain), name, expected);
        }
    }

    private static void runPgRestore(
            RestoreTarget target, List<String> options, @Nullable Path file, @Nullable InputStream stdin, String name) {
        PgRestoreRun.run(target, options, file, stdin, name);
    }

    /**
     * Reads {@code in} to its end, passing every byte to {@code inspector} and to {@code check} (which drops what
     * pg_restore no longer reads). Only failures to read {@code in}, that is to decode the archive, are thrown.
     */
    private static void pump(InputStream in, PgRestoreCheck check, @Nullable ArchiveInspector inspector)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (inspector != null) {
                inspector.update(buffer, 0, n);
            }
            check.write(buffer, 0, n);
        }
        if (inspector != null) {
            inspector.finish();
        }
    }

    /**
     * Streams the archive through {@code pg_restore --list} and the inspector, reading it to the very end. When the
     * inspector cannot read the archive, a second pass through {@code pg_restore --file=/dev/null} reads every data
     * block instead, so that a damaged archive is still caught.
     *
     * @return the number of table-of-contents entries
     */
    private int listAndInspect(Opener opener, String name, @Nullable List<BackupManifest.TableRows> expected) {
        ArchiveInspector inspector = new ArchiveInspector();
        PgRestoreCheck.Result list = checkWith(opener, name, PgRestoreCheck.LIST, inspector);
        if (inspector.verdict() == ArchiveInspector.Verdict.DAMAGED) {
            throw new IntegrityException(name + " is damaged: " + inspector.problem() + ".");
        }
        if (!list.ok()) {
            throw new IntegrityException(name + " is not a readable pg_dump archive: " + list.message());
        }
        if (inspector.verdict() == ArchiveInspector.Verdict.UNREADABLE) {
            PgRestoreCheck.Result all = checkWith(opener, name, PgRestoreCheck.READ_ALL, null);
            if (!all.ok()) {
                throw new IntegrityException(name + " is damaged: " + all.message());
            }
        }
        List<BackupManifest.TableRows> actual = inspector.tables();
        if (expected != null && actual != null && !actual.equals(expected)) {
            throw new IntegrityException(name + " holds other row counts than its manifest records.");
        }
        return list.entries();
    }

    private PgRestoreCheck.Result checkWith(
            Opener opener, String name, List<String> options, @Nullable ArchiveInspector inspector) {
        try (PgRestoreCheck check = PgRestoreCheck.start(tools, options)) {
            try (InputStream in = opener.open()) {
                pump(in, check, inspector);
            } catch (IOException e) {
                throw new IntegrityException(name + " cannot be decoded: " + e.getMessage() + ".", e);
            }
            PgRestoreCheck.Result result = check.finish();
            if (!result.ran()) {
                throw new PgkeepException("Cannot check " + name + ": " + result.message()
                        + ". Install the PostgreSQL client tools (pg_restore).");
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while checking " + name, e);
        }
    }

    // ---------------------------------------------------------------- files

    private record HashResult(String sha256, long bytes) {}

    private static HashResult hash(InputStream in, @Nullable OutputStream copy) throws IOException {
        MessageDigest digest = CountingDigestOutputStream.sha256();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
            if (copy != null) {
                copy.write(buffer, 0, n);
            }
            total += n;
        }
        return new HashResult(HexFormat.of().formatHex(digest.digest()), total);
    }

    private Path newTempFile(String kind, List<Path> registry) throws IOException {
        Files.createDirectories(tempDirectory);
        Path file;
        try {
            file = Files.createTempFile(
                    tempDirectory,
                    "pgkeep-" + kind + "-",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            file = Files.createTempFile(tempDirectory, "pgkeep-" + kind + "-", ".tmp");
        }
        registry.add(file);
        return file;
    }

    private static void deleteAll(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // best effort: it is in the temp folder
            }
        }
        files.clear();
    }
}
