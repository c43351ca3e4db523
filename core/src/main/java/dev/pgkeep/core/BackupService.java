package dev.pgkeep.core;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * pgkeep's port: back up, restore, list, verify, prune and delete PostgreSQL backups. Build one with
 * {@link #builder()}; it is thread-safe and meant to live as long as the application.
 *
 * <pre>{@code
 * BackupService backups = BackupService.builder()
 *         .database(DatabaseConnection.parse("postgresql://app@db:5432/shop"))
 *         .storage(new LocalStorageAdapter(Path.of("/var/backups/pgkeep")))
 *         .build();
 * BackupResult result = backups.backup(BackupRequest.of(Trigger.API));
 * }</pre>
 */
public interface BackupService {

    static BackupServiceBuilder builder() {
        return new BackupServiceBuilder();
    }

    /**
     * Runs pg_dump and stores its compressed (and encrypted) archive with a manifest.
     *
     * @throws BackupInProgressException when another backup of the database is running
     * @throws PgkeepException when pg_dump or the storage fails; nothing is listed then
     */
    BackupResult backup(BackupRequest request);

    /**
     * Restores a backup after proving its checksum.
     *
     * @throws IntegrityException when the archive is corrupt; the target is untouched then
     * @throws SafetyGuardException when a safety guard refuses; nothing is changed then
     */
    RestoreResult restore(RestoreRequest request);

    /**
     * Every backup (a manifest exists), newest first, including those whose last verification failed (see the
     * manifest's {@code verification}); only those of {@code database} when it is not null.
     */
    default List<BackupManifest> list(@Nullable String database) {
        return listing(database).backups();
    }

    /**
     * {@link #list}, with the manifests that had to be skipped (unreadable, of a newer format, or stored under another
     * backup's key): one bad manifest does not hide the others, and prune never deletes what it could not read.
     */
    BackupListing listing(@Nullable String database);

    /**
     * One backup's manifest (ids are unique per repository).
     *
     * @throws IntegrityException when its manifest is unreadable or of a newer format
     */
    Optional<BackupManifest> get(BackupId id);

    /**
     * Checks a stored backup and records the verification in its manifest.
     *
     * @throws IntegrityException when the backup is corrupt
     */
    VerifyResult verify(VerifyRequest request);

    /** Applies {@code policy} to every database in the repository and removes leftovers of interrupted writes. */
    default PruneResult prune(RetentionPolicy policy, boolean dryRun) {
        return prune(policy, dryRun, Trigger.API, null);
    }

    /** {@link #prune(RetentionPolicy, boolean)}, recording who asked in the audit events. */
    PruneResult prune(RetentionPolicy policy, boolean dryRun, Trigger trigger, @Nullable String actor);

    /**
     * Deletes one backup (manifest first, so a half-deleted backup is never listed).
     *
     * @throws BackupNotFoundException when there is no such backup
     */
    default void delete(BackupId id) {
        delete(id, Trigger.API, null, null);
    }

    /** {@link #delete(BackupId)}, recording who asked in the audit events. */
    void delete(BackupId id, Trigger trigger, @Nullable String actor, @Nullable String clientAddress);

    /**
     * What a backup (or archive file) holds: its table of contents, with the row counts the manifest recorded. The
     * archive is proven (checksum, decryption) as for a restore; nothing is changed.
     *
     * @throws IntegrityException when the archive is corrupt
     */
    BackupContents contents(RestoreSource source);

    /**
     * Backs up a whole server as one {@link BackupSet}: its globals ({@code pg_dumpall --globals-only}: roles,
     * memberships, role settings, tablespaces; role passwords only with {@code withRolePasswords}, and then only into
     * an encrypted repository) and an ordinary backup of every database the role may connect to, except the
     * maintenance database {@code postgres}. A database that fails is reported in the set, which is then not
     * complete; the others are still backed up.
     */
    BackupSet backupAll(DatabaseConnection server, boolean withRolePasswords, Trigger trigger, @Nullable String actor);

    /** The whole-server backups in the repository, newest first. */
    List<BackupSet> sets();

    /**
     * Restores a whole-server backup: the roles the target server lacks, then every database, created like its source.
     *
     * @throws SafetyGuardException when databases of the set exist on the target (naming them) and force is off
     */
    ServerRestoreResult restoreAll(ServerRestoreRequest request);

    /**
     * Copies committed backups, as stored, to another repository (3-2-1): each backup's objects first and its manifest
     * last, the dump's SHA-256 checked on the way, backups the target already holds skipped. A copy cut halfway is
     * not listed in the target. One selected backup that fails throws; with {@link CopyRequest.Selection#ALL} the
     * others are still copied and the failures are in the result.
     *
     * @throws BackupNotFoundException when the named backup (or any good backup, for LATEST) does not exist
     * @throws IntegrityException when the stored object does not match its manifest
     */
    CopyResult copy(CopyRequest request);

    /** The database backed up when a request names none, if one was configured. */
    Optional<DatabaseConnection> defaultDatabase();

    /**
     * The PostgreSQL client tools found and, when {@code server} is given, its version and the tools pgkeep uses for
     * it (those of its major, else the nearest newer). Never fails for missing tools or an unreachable server; the
     * report's {@link PostgresTools#problem()} says what is wrong.
     */
    PostgresTools tools(@Nullable DatabaseConnection server);
}
