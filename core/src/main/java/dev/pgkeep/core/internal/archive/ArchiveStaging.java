package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.ArchiveFormat;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Progress;
import dev.pgkeep.core.StandardCodec;
import dev.pgkeep.core.internal.Environmental;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * Gets an archive ready for pg_restore and proves it intact before any database is touched: a stored backup's
 * SHA-256 is checked against its manifest (downloading it to a temporary file first when the storage is remote), and
 * it is then decoded (decrypted, decompressed) on the fly into pg_restore, encrypted or not; a foreign local file is
 * decoded completely (OpenPGP integrity, codec checksums, archive structure) and must pass {@code pg_restore --list}.
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

    // ---------------------------------------------------------------- stored backups

    public StagedArchive stageStored(BackupManifest manifest, boolean plainFile, ProgressMeter meter) {
        if (manifest.encryption() != null && encryptor == Encryptor.NONE) {
            throw new BadInputException("Backup " + manifest.id() + " is encrypted ("
                            + manifest.encryption().type() + ", keys "
                            + manifest.encryption().recipients()
                            + ") and no secret key was given.")
                    .withRemedy(PgkeepException.Remedy.DECRYPTION_KEY, null);
        }
        if (manifest.directory()) {
            return stageDirectory(manifest, meter, o -> true);
        }
        String key = RepositoryLayout.dumpKey(manifest.database(), manifest.id(), manifest.dumpObject());
        Codec codec = codecOf(manifest);
        List<Path> temporary = new ArrayList<>();
        try {
            Path stored;
            Optional<Path> local = storage.localFile(key);
            String sha;
            long size;
            meter.start(Progress.CHECKSUM, manifest.storedBytes(), false);
            if (local.isPresent()) {
                stored = local.get();
                try (InputStream in = meter.reading(Environmental.input(Files.newInputStream(stored)))) {
                    HashResult h = hash(in, null);
                    sha = h.sha256();
                    size = h.bytes();
                }
            } else {
                stored = newTempFile("stored", temporary);
                try (InputStream in = meter.reading(Environmental.input(storage.read(key)));
                        OutputStream out = Environmental.output(Files.newOutputStream(stored))) {
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
            meter.finish();
            Path storedFile = stored;
            int dumpMajor = manifest.pgDumpVersion() == null ? 0 : PgTools.major(manifest.pgDumpVersion());
            Opener decoded = () -> codec.decompress(
                    decrypt(manifest, meter.reading(Environmental.input(Files.newInputStream(storedFile)))));
            StagedArchive streaming = new StagedArchive(
                    "Backup " + manifest.id().value(), size, dumpMajor, temporary, tools, decoded, null, meter);
            // the stored object's SHA-256 has just been proven against the manifest, so an encrypted backup streams
            // into pg_restore like any other: OpenPGP's own check (which comes only at the end of the message) adds
            // nothing a partly applied restore could be spared by. A decoded file only for pg_restore --jobs, which
            // seeks in a custom-format archive; foreign files without a manifest are decoded completely (stageFile)
            if (!plainFile) {
                return streaming;
            }
            Path plain = newTempFile("plain", temporary);
            meter.start(Progress.DECODING, size, false);
            try (InputStream in = decoded.open();
                    OutputStream out = meter.writing(Environmental.output(Files.newOutputStream(plain)))) {
                in.transferTo(out);
            } catch (IOException e) {
                if (Environmental.is(e)) {
                    throw e;
                }
                throw new IntegrityException("Backup " + manifest.id() + " cannot be decoded: " + e.getMessage(), e);
            }
            meter.finish();
            return StagedArchive.onDisk(
                    "Backup " + manifest.id().value(), size, dumpMajor, temporary, tools, plain, meter);
        } catch (NoSuchFileException e) {
            deleteAll(temporary);
            throw new IntegrityException(
                    "Backup " + manifest.id() + " has a manifest but its dump object " + key + " is missing from "
                            + storage.describe() + ".",
                    e);
        } catch (IOException e) {
            // reading storage or the temp folder failed (the archive's own damage is an IntegrityException above)
            deleteAll(temporary);
            throw Environmental.failure(
                    "Backup " + manifest.id() + " cannot be read back from " + storage.describe()
                            + " into the temp folder " + tempDirectory + " (the backup itself was not found damaged)",
                    e);
        } catch (RuntimeException e) {
            deleteAll(temporary);
            throw e;
        }
    }

    private static Codec codecOf(BackupManifest manifest) {
        return Codec.of(
                manifest.compression().codec(),
                manifest.compression().level() == 0
                        ? null
                        : manifest.compression().level());
    }

    /**
     * A directory-format backup: every object is downloaded, hashed and decoded into a private temp folder at once,
     * on parallel threads, and must match the manifest (size and SHA-256, and the listing its {@code sha256} names)
     * before anything is restored; pg_restore then reads the folder itself, with as many jobs as asked.
     */
    /**
     * A stored backup for reading its table of contents only: of a directory backup just {@code toc.dat} is
     * fetched (and proven against the manifest), not the data.
     */
    public StagedArchive stageTableOfContents(BackupManifest manifest) {
        if (!manifest.directory()) {
            return stageStored(manifest, false, ProgressMeter.NONE);
        }
        return stageDirectory(manifest, ProgressMeter.NONE, o -> o.file().equals("toc.dat"));
    }

    private StagedArchive stageDirectory(
            BackupManifest manifest,
            ProgressMeter meter,
            java.util.function.Predicate<BackupManifest.StoredObject> fetched) {
        List<BackupManifest.StoredObject> objects = manifest.objects();
        String listing = BackupManifest.objectListingSha256(objects);
        long total = objects.stream()
                .mapToLong(BackupManifest.StoredObject::storedBytes)
                .sum();
        if (!listing.equals(manifest.sha256()) || total != manifest.storedBytes()) {
            throw new IntegrityException("Backup " + manifest.id() + " is corrupt: its manifest's list of objects"
                    + " does not match its SHA-256 " + manifest.sha256() + " and " + manifest.storedBytes()
                    + " bytes. Nothing was restored; restore an older backup ('pgkeep list').");
        }
        for (BackupManifest.StoredObject o : objects) {
            if (!SAFE_FILE.matcher(o.file()).matches()
                    || !SAFE_FILE.matcher(o.name()).matches()
                    || !o.name().startsWith(DirectoryDump.OBJECT_PREFIX + o.file())) {
                throw new IntegrityException("Backup " + manifest.id() + " names an object '" + o.name()
                        + "' for the file '" + o.file() + "', which is not a pg_dump directory file; nothing was"
                        + " restored.");
            }
        }
        Codec codec = codecOf(manifest);
        List<Path> temporary = new ArrayList<>();
        String name = "Backup " + manifest.id().value();
        int threads = Math.max(
                1, Math.min(objects.size(), Math.max(2, Runtime.getRuntime().availableProcessors())));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pgkeep-fetch-file");
            t.setDaemon(true);
            return t;
        });
        try {
            Path dir = newTempDirectory("dir", temporary);
            meter.start(Progress.CHECKSUM, total, false);
            List<Future<?>> fetches = new ArrayList<>();
            for (BackupManifest.StoredObject o : objects) {
                if (!fetched.test(o)) {
                    continue;
                }
                fetches.add(pool.submit(() -> {
                    fetchObject(manifest, o, codec, dir, meter);
                    return null;
                }));
            }
            for (Future<?> f : fetches) {
                DirectoryDump.await(f); // the first failure ends the others (the pool is shut down below)
            }
            meter.finish();
            int dumpMajor = manifest.pgDumpVersion() == null ? 0 : PgTools.major(manifest.pgDumpVersion());
            return StagedArchive.directory(name, manifest.storedBytes(), dumpMajor, temporary, tools, dir, meter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteAll(temporary);
            throw new PgkeepException("Interrupted while fetching " + name + "; nothing was restored.", e);
        } catch (NoSuchFileException e) {
            deleteAll(temporary);
            throw new IntegrityException(
                    name + " has a manifest but its object " + e.getMessage() + " is missing from " + storage.describe()
                            + ".",
                    e);
        } catch (IOException e) {
            deleteAll(temporary);
            throw Environmental.failure(
                    name + " cannot be read back from " + storage.describe() + " into the temp folder " + tempDirectory
                            + " (the backup itself was not found damaged)",
                    e);
        } catch (RuntimeException e) {
            deleteAll(temporary);
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final java.util.regex.Pattern SAFE_FILE =
            java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.]{0,200}");

    /** Downloads one object, hashing the stored bytes while decoding them into {@code dir}; checks it. */
    private void fetchObject(
            BackupManifest manifest, BackupManifest.StoredObject o, Codec codec, Path dir, ProgressMeter meter)
            throws IOException {
        String key = RepositoryLayout.dumpKey(manifest.database(), manifest.id(), o.name());
        MessageDigest digest = CountingDigestOutputStream.sha256();
        long[] count = new long[1];
        InputStream raw;
        Optional<Path> local = storage.localFile(key);
        try {
            raw = local.isPresent() ? Files.newInputStream(local.get()) : storage.read(key);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key);
        }
        try (InputStream hashed = new java.io.FilterInputStream(meter.reading(Environmental.input(raw))) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            digest.update((byte) b);
                            count[0]++;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            digest.update(b, off, n);
                            count[0] += n;
                        }
                        return n;
                    }
                };
                OutputStream out = Environmental.output(Files.newOutputStream(dir.resolve(o.file())))) {
            IOException decodeFailure = null;
            try (InputStream decoded = codec.decompress(decrypt(manifest, nonClosing(hashed)))) {
                decoded.transferTo(out);
            } catch (IOException e) {
                if (Environmental.is(e)) {
                    throw e;
                }
                decodeFailure = e;
            }
            hashed.transferTo(OutputStream.nullOutputStream()); // whatever the decoders left unread counts too
            String sha = HexFormat.of().formatHex(digest.digest());
            if (count[0] != o.storedBytes() || !sha.equals(o.sha256())) {
                throw new IntegrityException("Backup " + manifest.id() + " is corrupt: its stored object " + key
                        + " has SHA-256 " + sha + " and " + count[0] + " bytes, the manifest says " + o.sha256()
                        + " and " + o.storedBytes() + " bytes. Nothing was restored; restore an older backup"
                        + " ('pgkeep list').");
            }
            if (decodeFailure != null) {
                throw new IntegrityException(
                        "Backup " + manifest.id() + " cannot be decoded: " + key + ": " + decodeFailure.getMessage(),
                        decodeFailure);
            }
        }
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the caller drains and closes it
            }
        };
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

    public StagedArchive stageFile(Path file, ProgressMeter meter) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("No archive file at " + file + ".");
        }
        List<Path> temporary = new ArrayList<>();
        try {
            long size = Files.size(file);
            Path plain = newTempFile("plain", temporary);
            ArchiveInspector inspector = new ArchiveInspector();
            meter.start(Progress.DECODING, size, false);
            try (InputStream in =
                            unwrap(meter.reading(Environmental.input(Files.newInputStream(file))), file.toString());
                    OutputStream out = meter.writing(Environmental.output(Files.newOutputStream(plain)))) {
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
            meter.finish();
            if (inspector.verdict() == ArchiveInspector.Verdict.DAMAGED) {
                throw new IntegrityException(file + " is a damaged pg_dump archive: " + inspector.problem() + ".");
            }
            String dumpVersion = inspector.dumpVersion();
            int dumpMajor = dumpVersion == null ? 0 : PgTools.major(dumpVersion);
            StagedArchive staged = StagedArchive.onDisk(
                    file.getFileName().toString(), size, dumpMajor, temporary, tools, plain, meter);
            staged.checkArchive(null);
            return staged;
        } catch (IntegrityException | BadInputException e) {
            deleteAll(temporary);
            throw e;
        } catch (IOException e) {
            deleteAll(temporary);
            if (Environmental.is(e)) {
                throw Environmental.failure("Cannot stage " + file + " in the temp folder " + tempDirectory, e);
            }
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
                        throw new BadInputException(name + " is OpenPGP-encrypted and no secret key was given.")
                                .withRemedy(PgkeepException.Remedy.DECRYPTION_KEY, null);
                    }
                    current = new BufferedInputStream(encryptor.decrypt(current), BUFFER);
                }
                case GZIP ->
                    current = new BufferedInputStream(
                            StandardCodec.GZIP.atDefaultLevel().decompress(current), BUFFER);
                case ZSTD ->
                    current = new BufferedInputStream(
                            StandardCodec.ZSTD.atDefaultLevel().decompress(current), BUFFER);
            }
        }
        current.close();
        throw new IntegrityException(name + " has too many nested layers to be a pgkeep archive.");
    }

    /** Opens the decoded archive from its first byte. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
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

    private Path newTempDirectory(String kind, List<Path> registry) throws IOException {
        Files.createDirectories(tempDirectory);
        Path dir;
        try {
            dir = Files.createTempDirectory(
                    tempDirectory,
                    "pgkeep-" + kind + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            dir = Files.createTempDirectory(tempDirectory, "pgkeep-" + kind + "-");
        }
        registry.add(dir);
        return dir;
    }

    /** Removes temporary files and folders (with what they hold). */
    static void deleteAll(List<Path> files) {
        for (Path f : files) {
            if (Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                DirectoryDump.deleteSpool(f);
                continue;
            }
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // best effort: it is in the temp folder
            }
        }
        files.clear();
    }
}
