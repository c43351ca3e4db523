package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Progress;
import dev.pgkeep.core.internal.Environmental;
import dev.pgkeep.core.internal.postgres.PgRestoreCheck;
import dev.pgkeep.core.internal.postgres.PgRestoreRun;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.RestoreTarget;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An archive proven intact and ready to restore: a stored object checked against its manifest and decoded on the fly
 * into pg_restore, or a decoded file on local disk (which allows {@code pg_restore --jobs}). Closing removes its
 * temporary files.
 */
public final class StagedArchive implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;

    private final String name;
    private final long storedBytes;
    private final int dumpMajor;
    private final List<Path> temporary;
    private final PgTools tools;
    private final ArchiveStaging.Opener decoded;
    private final @Nullable Path plain;
    private final ProgressMeter meter;
    private @Nullable ArchiveInspector headerRead;
    private @Nullable ArchiveHeader directoryToc;
    private boolean directory;

    StagedArchive(
            String name,
            long storedBytes,
            int dumpMajor,
            List<Path> temporary,
            PgTools tools,
            ArchiveStaging.Opener decoded,
            @Nullable Path plain,
            ProgressMeter meter) {
        this.meter = meter;
        this.name = name;
        this.storedBytes = storedBytes;
        this.dumpMajor = dumpMajor;
        this.temporary = temporary;
        this.tools = tools;
        this.decoded = decoded;
        this.plain = plain;
    }

    /** A decoded directory-format archive in the local folder {@code dir}, which pg_restore reads itself. */
    static StagedArchive directory(
            String name,
            long storedBytes,
            int dumpMajor,
            List<Path> temporary,
            PgTools tools,
            Path dir,
            ProgressMeter meter) {
        StagedArchive staged = new StagedArchive(
                name,
                storedBytes,
                dumpMajor,
                temporary,
                tools,
                () -> {
                    throw new IOException(name + " is a directory-format archive, not a stream");
                },
                dir,
                meter);
        staged.directory = true;
        return staged;
    }

    /** A decoded archive in the local file {@code plain}. */
    static StagedArchive onDisk(
            String name,
            long storedBytes,
            int dumpMajor,
            List<Path> temporary,
            PgTools tools,
            Path plain,
            ProgressMeter meter) {
        return new StagedArchive(
                name,
                storedBytes,
                dumpMajor,
                temporary,
                tools,
                () -> Environmental.input(Files.newInputStream(plain)),
                plain,
                meter);
    }

    public long storedBytes() {
        return storedBytes;
    }

    /** The backup id or file name, for messages. */
    public String describe() {
        return name;
    }

    /** The major version of the pg_dump that wrote the archive (pg_restore must be as new); 0 when unknown. */
    public int dumpMajor() {
        return dumpMajor;
    }

    /** Runs pg_restore into {@code target} with {@code options}; fails with pg_restore's message. */
    public void restoreInto(RestoreTarget target, List<String> options) {
        Path file = plain;
        if (file != null) {
            // pg_restore reads the file itself: only the elapsed time is known
            meter.start(Progress.RESTORING, -1, false);
            PgRestoreRun.run(target, options, file, null, name);
            meter.finish();
            return;
        }
        meter.start(Progress.RESTORING, storedBytes, false);
        // open (and so decrypt the session key) before pg_restore starts: a wrong key fails with nothing touched
        try (InputStream in = new BufferedInputStream(decoded.open(), BUFFER)) {
            in.mark(8);
            byte[] head = in.readNBytes(5);
            in.reset();
            if (!ArchiveInspector.startsWithMagic(head, head.length)) {
                throw new IntegrityException(name + " does not decode to a pg_dump archive.");
            }
            PgRestoreRun.run(target, options, null, meter.passing(in), name);
            meter.finish();
        } catch (IOException e) {
            if (Environmental.is(e)) {
                throw Environmental.failure("Cannot read " + name, e);
            }
            throw new IntegrityException(name + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the whole archive through {@code pg_restore} and the archive inspector; fails with an
     * {@link IntegrityException} when it is unreadable, incomplete, or its row counts differ from {@code expected}.
     *
     * @return the number of table-of-contents entries
     */
    public int checkArchive(@Nullable List<BackupManifest.TableRows> expected) {
        meter.start(Progress.CHECKING, plain != null ? -1 : storedBytes, false);
        int entries = directory
                ? ArchiveChecks.listAndCount(tools, plain, directoryToc(), name, expected)
                : ArchiveChecks.listAndInspect(tools, decoded, name, expected);
        meter.finish();
        return entries;
    }

    /** The table of contents as {@code pg_restore --list --verbose} of the archive's tools reads it. */
    public TableOfContents tableOfContents() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<String> options =
                directory ? List.of("--list", "--verbose", plain.toString()) : List.of("--list", "--verbose");
        try (PgRestoreCheck list = PgRestoreCheck.start(tools, options, lines::add);
                InputStream in = directory ? InputStream.nullInputStream() : decoded.open()) {
            byte[] buffer = new byte[BUFFER];
            int n;
            // pg_restore --list reads only up to the end of the table of contents: decoding the rest is wasted work
            while (list.accepting() && (n = in.read(buffer)) >= 0) {
                list.write(buffer, 0, n);
            }
            PgRestoreCheck.Result result = list.finish();
            if (!result.ok()) {
                throw new IntegrityException(name + ": its table of contents cannot be read: " + result.message());
            }
        } catch (IOException e) {
            throw new IntegrityException(name + " cannot be decoded: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while reading the table of contents of " + name + ".", e);
        }
        synchronized (lines) {
            return TableOfContents.parse(List.copyOf(lines));
        }
    }

    /** A {@code pg_restore --use-list} file naming {@code ids}; deleted with this archive. */
    public Path useList(List<Integer> ids) {
        try {
            Path file = Files.createTempFile("pgkeep-use-list-", ".txt");
            temporary.add(file);
            StringBuilder text = new StringBuilder();
            for (int id : ids) {
                text.append(id).append(";\n");
            }
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new PgkeepException("Cannot write pg_restore's list of entries: " + e.getMessage(), e);
        }
    }

    /** What the archive says about the database itself (encoding, locale, settings), read from its header. */
    public DatabaseProperties databaseProperties() {
        return DatabaseProperties.from(directory ? directoryToc().databaseEntries() : header().databaseEntries());
    }

    /**
     * Whether {@code pg_restore --jobs} may restore this archive: not when it holds a domain's {@code NOT VALID}
     * constraint, which pg_restore 15 to 18 may add before the rows of the tables using the domain are loaded.
     */
    public boolean parallelRestoreSafe() {
        return directory ? !directoryToc().notValidDomainConstraints() : !header().notValidDomainConstraints();
    }

    /** A directory-format archive's {@code toc.dat}, read once. */
    private ArchiveHeader directoryToc() {
        ArchiveHeader toc = directoryToc;
        if (toc == null) {
            try {
                toc = DirectoryDump.readToc(plain.resolve("toc.dat"), name);
            } catch (IOException e) {
                throw new IntegrityException(name + ": its table of contents cannot be read: " + e.getMessage(), e);
            }
            directoryToc = toc;
        }
        return toc;
    }

    /** The archive's table of contents, read once from the start of the decoded archive. */
    private ArchiveInspector header() {
        ArchiveInspector inspector = headerRead;
        if (inspector != null) {
            return inspector;
        }
        inspector = new ArchiveInspector();
        try (InputStream in = decoded.open()) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while (!inspector.parsed() && !inspector.gaveUp() && (n = in.read(buffer)) >= 0) {
                inspector.update(buffer, 0, n);
            }
            inspector.finish();
        } catch (IOException e) {
            if (Environmental.is(e)) {
                throw Environmental.failure("Cannot read " + name, e);
            }
            throw new IntegrityException(name + " cannot be decoded: " + e.getMessage(), e);
        }
        headerRead = inspector;
        return inspector;
    }

    @Override
    public void close() {
        ArchiveStaging.deleteAll(temporary);
    }
}
