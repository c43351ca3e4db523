package dev.pgkeep.testsupport;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.storage.InMemoryStorageAdapter;

/**
 * Assertions for an application's own tests: does what the app puts in its database survive a pgkeep backup? A new
 * migration with an object pg_dump cannot carry, an extension missing on restore, a sequence left behind: this fails
 * the build instead of the first real restore.
 */
public final class PgkeepAssertions {
    private PgkeepAssertions() {}

    /** {@link #assertBackupRestores(PostgresServer, String)} for a database the extension made. */
    public static BackupManifest assertBackupRestores(TestDatabase database) {
        return assertBackupRestores(database.server(), database.name());
    }

    /**
     * Backs {@code database} up with pgkeep (the real pg_dump, in-memory storage), restores the backup into a new
     * scratch database on the same server, and fails unless both hold the same schema, row counts and data
     * ({@link DatabaseFingerprint}); the scratch database is dropped either way. Nothing may write to {@code
     * database} meanwhile.
     *
     * @return the backup's manifest (tables and row counts as pg_dump wrote them), for further assertions
     * @throws AssertionError naming every difference
     */
    public static BackupManifest assertBackupRestores(PostgresServer server, String database) {
        DatabaseFingerprint before = DatabaseFingerprint.of(server, database);
        BackupService service = BackupService.builder()
                .storage(new InMemoryStorageAdapter())
                .toolsDirectory(server.binDir())
                .build();
        BackupResult backup = service.backup(BackupRequest.of(server.connection(database), Trigger.TEST));
        String scratch = PostgresServer.uniqueDatabaseName(database + "_restored");
        try {
            service.restore(
                    RestoreRequest.builder(RestoreSource.byId(backup.id().value()), server.connection(scratch))
                            .createDatabase(true)
                            .safetyBackup(false)
                            .trigger(Trigger.TEST)
                            .build());
            assertSame(database, before, DatabaseFingerprint.of(server, scratch));
        } finally {
            server.dropDatabase(scratch);
        }
        return backup.manifest();
    }

    /** Fails naming every difference unless {@code restored} equals {@code original}. */
    static void assertSame(String database, DatabaseFingerprint original, DatabaseFingerprint restored) {
        String diff = original.diff(restored);
        if (!diff.isEmpty() || !original.equals(restored)) {
            throw new AssertionError("A pgkeep backup of database '" + database
                    + "' does not restore to the same database (expected: the original, actual: the restored copy):\n"
                    + diff);
        }
    }
}
