package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.Environmental;
import dev.pgkeep.core.internal.postgres.PgRestoreCheck;
import dev.pgkeep.core.internal.postgres.PgTools;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The checks {@code verify} and foreign archive files go through: pg_restore and the inspector over every byte. */
final class ArchiveChecks {
    private static final int BUFFER = 256 * 1024;

    private ArchiveChecks() {}

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
    static int listAndInspect(
            PgTools tools,
            ArchiveStaging.Opener opener,
            String name,
            @Nullable List<BackupManifest.TableRows> expected) {
        ArchiveInspector inspector = new ArchiveInspector();
        PgRestoreCheck.Result list = checkWith(tools, opener, name, PgRestoreCheck.LIST, inspector);
        if (inspector.verdict() == ArchiveInspector.Verdict.DAMAGED) {
            throw new IntegrityException(name + " is damaged: " + inspector.problem() + ".");
        }
        if (!list.ok() && list.message().contains("unsupported version")) {
            // pg_restore older than the pg_dump that wrote the archive: the tools, not the backup
            throw new PgkeepException("Cannot check " + name + ": the pg_restore used is older than the pg_dump"
                            + " that wrote it (" + list.message() + ").")
                    .withRemedy(PgkeepException.Remedy.TOOLS, null);
        }
        if (!list.ok()) {
            throw new IntegrityException(name + " is not a readable pg_dump archive: " + list.message());
        }
        if (inspector.verdict() == ArchiveInspector.Verdict.UNREADABLE) {
            PgRestoreCheck.Result all = checkWith(tools, opener, name, PgRestoreCheck.READ_ALL, null);
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

    /**
     * A directory-format archive in {@code dir}: {@code pg_restore --list} reads its table of contents, and every
     * table's data file is read to its end, must end as COPY data does, and must hold the rows {@code expected} says.
     *
     * @return the number of table-of-contents entries
     */
    static int listAndCount(
            PgTools tools,
            java.nio.file.Path dir,
            ArchiveHeader toc,
            String name,
            @Nullable List<BackupManifest.TableRows> expected) {
        PgRestoreCheck.Result list;
        try (PgRestoreCheck check = PgRestoreCheck.start(tools, List.of("--list", dir.toString()))) {
            list = check.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while checking " + name, e);
        }
        if (!list.ran()) {
            throw new PgkeepException("Cannot check " + name + ": " + list.message()
                    + ". Install the PostgreSQL client tools (pg_restore).");
        }
        if (!list.ok()) {
            throw new IntegrityException(name + " is not a readable pg_dump archive: " + list.message());
        }
        List<BackupManifest.TableRows> actual = new java.util.ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        for (ArchiveHeader.TocEntry entry : toc.toc().values()) {
            if (!"TABLE DATA".equals(entry.desc()) || !entry.hasData()) {
                continue;
            }
            CopyRowCounter counter = new CopyRowCounter();
            counter.startBlock(entry.dumpId());
            java.nio.file.Path file = dir.resolve(entry.dumpId() + ".dat");
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    counter.count(buffer, 0, n);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IntegrityException(name + " is damaged: the data file " + file.getFileName() + " of "
                        + entry.namespace() + "." + entry.tag() + " is missing.");
            } catch (IOException e) {
                throw Environmental.failure("Cannot read " + name, e);
            }
            if (!counter.endBlock()) {
                throw new IntegrityException(name + " is damaged: the data file " + file.getFileName() + " of "
                        + entry.namespace() + "." + entry.tag() + " does not end as COPY data does.");
            }
            actual.add(new BackupManifest.TableRows(
                    entry.namespace() == null ? "" : entry.namespace(),
                    entry.tag() == null ? "" : entry.tag(),
                    counter.of(entry.dumpId())));
        }
        ArchiveInspector.sortByName(actual);
        if (expected != null && !actual.equals(expected)) {
            throw new IntegrityException(name + " holds other row counts than its manifest records.");
        }
        return list.entries();
    }

    private static PgRestoreCheck.Result checkWith(
            PgTools tools,
            ArchiveStaging.Opener opener,
            String name,
            List<String> options,
            @Nullable ArchiveInspector inspector) {
        try (PgRestoreCheck check = PgRestoreCheck.start(tools, options)) {
            try (InputStream in = opener.open()) {
                pump(in, check, inspector);
            } catch (IOException e) {
                if (Environmental.is(e)) {
                    throw Environmental.failure("Cannot read " + name, e);
                }
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
}
