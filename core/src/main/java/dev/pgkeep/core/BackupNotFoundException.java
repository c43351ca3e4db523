package dev.pgkeep.core;

/** No backup with the given id (or no good backup at all for a database) exists in the repository. */
public class BackupNotFoundException extends PgkeepException {
    public BackupNotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message, null);
    }
}
