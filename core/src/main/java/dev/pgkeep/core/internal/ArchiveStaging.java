package dev.pgkeep.core.internal;

import dev.pgkeep.core.ArchiveFormat;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Gets an archive ready for pg_restore and proves it intact before any database is touched: a stored backup's
 * SHA-256 is checked against its manifest (downloading it to a temporary file first when the storage is remote); a
 * foreign local file is decoded completely (OpenPGP integrity, codec checksums, archive structure) and must pass
 * {@code pg_restore --list}.
 */
final class ArchiveStaging {
    private static final int BUFFER = 256 * 1024;

    private final StorageAdapter storage;
    private final Encryptor encryptor;
    private final PgTools tools;
    private final Path tempDirectory;
    private final long maxDecodedBytes;

    ArchiveStaging(
            StorageAdapter storage, Encryptor encryptor, PgTools tools, Path tempDirectory, long maxDecodedBytes) {
        this.maxDecodedBytes = maxDecodedBytes;
        this.storage = storage;
        this.encryptor = encryptor;
        this.tools = tools;
        this.tempDirectory = tempDirectory;
    }

    /** An archive proven intact, ready to restore; closing removes its temporary files. */
    interface Staged extends AutoCloseable {
        long storedBytes();

        String describe();

        /** Runs pg_restore into {@code target} with {@code options}; fails with pg_restore's message. */
        void restoreInto(DatabaseConnection target, List<String> options);

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

    // ---------------------------------------------------------------- stored backups

    Staged stageStored(BackupManifest manifest, boolean plainFile) {
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
            StreamingStaged streaming = new StreamingStaged(
                    manifest.id().value(),
                    size,
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
            return new FileStaged(manifest.id().value(), size, plain, temporary);
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

    Staged stageFile(Path file) {
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
            if (inspector.parsed() && !inspector.complete()) {
                throw new IntegrityException(file + " is a damaged pg_dump archive: " + inspector.problem() + ".");
            }
            FileStaged staged = new FileStaged(file.getFileName().toString(), size, plain, temporary);
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

    /** A stored object proven by checksum, decoded on the fly into pg_restore's stdin. */
    /** What both kinds of staged archive keep: a name for messages, the stored size, the temporary files. */
    private abstract static class BaseStaged implements Staged {
        final String name;
        private final long storedBytes;
        private final List<Path> temporary;

        BaseStaged(String name, long storedBytes, List<Path> temporary) {
            this.name = name;
            this.storedBytes = storedBytes;
            this.temporary = temporary;
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

    private final class StreamingStaged extends BaseStaged {
        private final Opener opener;

        StreamingStaged(String name, long storedBytes, List<Path> temporary, Opener opener) {
            super(name, storedBytes, temporary);
            this.opener = opener;
        }

        InputStream open() throws IOException {
            return opener.open();
        }

        @Override
        public void restoreInto(DatabaseConnection target, List<String> options) {
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
            try (InputStream in = opener.open()) {
                return listAndInspect(in, name, expected);
            } catch (IOException e) {
                throw new IntegrityException("Backup " + name + " cannot be decoded: " + e.getMessage(), e);
            }
        }
    }

    /** A decoded archive on local disk: allows {@code pg_restore --jobs}. */
    private final class FileStaged extends BaseStaged {
        private final Path plain;

        FileStaged(String name, long storedBytes, Path plain, List<Path> temporary) {
            super(name, storedBytes, temporary);
            this.plain = plain;
        }

        @Override
        public void restoreInto(DatabaseConnection target, List<String> options) {
            runPgRestore(target, options, plain, null, name);
        }

        @Override
        public int checkArchive(@Nullable List<BackupManifest.TableRows> expected) {
            try (InputStream in = Files.newInputStream(plain)) {
                return listAndInspect(in, name, expected);
            } catch (IOException e) {
                throw new IntegrityException(name + " cannot be read: " + e.getMessage(), e);
            }
        }
    }

    private void runPgRestore(
            DatabaseConnection target,
            List<String> options,
            @Nullable Path file,
            @Nullable InputStream stdin,
            String name) {
        List<String> command = new ArrayList<>(List.of(
                tools.program("pg_restore"),
                "--exit-on-error",
                "--no-password",
                "--dbname=" + conninfoDbname(target.database())));
        command.addAll(options);
        if (file != null) {
            command.add(file.toString());
        }
        Map<String, String> env = target.libpqEnvironment();
        RunningProcess process;
        try {
            process = tools.runner().start(command, env, null);
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot start pg_restore (" + tools.program("pg_restore") + "): " + e.getMessage(), e);
        }
        PgTools.StreamCollector stderr = PgTools.StreamCollector.start(process.stderr(), 16 * 1024, "pg_restore-err");
        PgTools.StreamCollector.start(process.stdout(), 16 * 1024, "pg_restore-out");
        AtomicReference<@Nullable IOException> feedFailure = new AtomicReference<>();
        Thread feeder = null;
        if (stdin != null) {
            feeder = new Thread(() -> feed(stdin, process, feedFailure), "pgkeep-restore-feed");
            feeder.setDaemon(true);
            feeder.start();
        } else {
            try {
                process.stdin().close();
            } catch (IOException e) {
                // pg_restore reads from its file argument
            }
        }
        int exit;
        try {
            exit = process.waitFor();
            if (feeder != null) {
                feeder.join();
            }
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new PgkeepException("Restore of " + name + " into " + target.database() + " was interrupted.", e);
        }
        IOException decodeFailure = feedFailure.get();
        if (decodeFailure != null) {
            throw new IntegrityException(
                    "Restore of " + name + " into " + target.database() + " stopped: the"
                            + " archive could not be decoded (" + decodeFailure.getMessage() + ").",
                    decodeFailure);
        }
        if (exit != 0) {
            throw new PgkeepException("pg_restore of " + name + " into " + target.describe() + " failed (exit code "
                    + exit + "): " + PgTools.tail(stderr.text()));
        }
    }

    /** Copies the decoded archive into pg_restore; a decoding failure kills pg_restore at once. */
    private static void feed(InputStream in, RunningProcess process, AtomicReference<@Nullable IOException> failure) {
        try {
            pump(in, process.stdin(), null);
        } catch (IOException e) {
            failure.set(e);
            process.kill();
        }
    }

    /**
     * Reads {@code in} to its end, passing every byte to {@code inspector} and to {@code toProcess} for as long as the
     * process reads them (pg_restore --list stops after the table of contents, a failing pg_restore stops early; its
     * exit code tells why). Only failures to read {@code in}, that is to decode the archive, are thrown.
     */
    private static void pump(InputStream in, OutputStream toProcess, @Nullable ArchiveInspector inspector)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        boolean pipeOpen = true;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (inspector != null) {
                    inspector.update(buffer, 0, n);
                } else if (!pipeOpen) {
                    break; // nothing left to feed and nothing to inspect
                }
                if (pipeOpen) {
                    try {
                        toProcess.write(buffer, 0, n);
                    } catch (IOException e) {
                        pipeOpen = false;
                    }
                }
            }
            if (inspector != null) {
                inspector.finish();
            }
        } finally {
            try {
                toProcess.close();
            } catch (IOException e) {
                // the process is gone already
            }
        }
    }

    /** Streams the archive through {@code pg_restore --list} and the inspector, reading it to the very end. */
    private int listAndInspect(InputStream in, String name, @Nullable List<BackupManifest.TableRows> expected)
            throws IOException {
        List<String> command = List.of(tools.program("pg_restore"), "--list");
        RunningProcess process = tools.runner().start(command, Map.of(), null);
        PgTools.StreamCollector stdout = PgTools.StreamCollector.start(process.stdout(), Integer.MAX_VALUE, "list");
        PgTools.StreamCollector stderr = PgTools.StreamCollector.start(process.stderr(), 16 * 1024, "list-err");
        ArchiveInspector inspector = new ArchiveInspector();
        try {
            pump(in, process.stdin(), inspector);
        } catch (IOException e) {
            process.kill();
            throw new IntegrityException(name + " cannot be decoded: " + e.getMessage() + ".", e);
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while checking " + name, e);
        }
        if (exit != 0) {
            throw new IntegrityException(name + " is not a readable pg_dump archive: pg_restore --list said: "
                    + PgTools.tail(stderr.text()));
        }
        if (!inspector.parsed() || !inspector.complete()) {
            throw new IntegrityException(name + " is damaged: "
                    + Objects.requireNonNullElse(inspector.problem(), "its structure could not be read") + ".");
        }
        if (expected != null) {
            List<BackupManifest.TableRows> actual = inspector.tables();
            if (actual != null && !actual.equals(expected)) {
                throw new IntegrityException(name + " holds other row counts than its manifest records.");
            }
        }
        int entries = 0;
        for (String line : stdout.text().split("\n")) {
            if (!line.isBlank() && !line.startsWith(";")) {
                entries++;
            }
        }
        return entries;
    }

    /** {@code dbname='...'} for pg_restore's --dbname, so a name containing '=' is not taken as a conninfo. */
    private static String conninfoDbname(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
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
