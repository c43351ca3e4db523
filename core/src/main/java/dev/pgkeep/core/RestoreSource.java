package dev.pgkeep.core;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** What to restore: a stored backup by id, the newest good backup of a database, or a local archive file. */
public sealed interface RestoreSource {

    record ById(BackupId id) implements RestoreSource {}

    /**
     * The newest good backup of {@code database}; {@code null} means: the repository's only database, else the
     * target database's name if the repository holds it.
     */
    record Latest(@Nullable String database) implements RestoreSource {}

    /**
     * An archive on local disk, not necessarily written by pgkeep: a pg_dump custom-format file, optionally gzip- or
     * zstd-compressed and/or OpenPGP-encrypted, recognized by its magic bytes.
     */
    record LocalFile(Path path) implements RestoreSource {}

    static RestoreSource byId(String id) {
        return new ById(BackupId.parse(id));
    }

    static RestoreSource latest(@Nullable String database) {
        return new Latest(database);
    }

    static RestoreSource file(Path path) {
        return new LocalFile(path);
    }
}
