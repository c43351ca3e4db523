package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository seen as backups: manifests listed, read and written in the stored layout, backups resolved from
 * what a request names, deleted manifest first, and leftovers of interrupted writes removed.
 */
public final class Catalog {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    /** By start time (ids of the same second would otherwise sort by their random suffix), then by id. */
    private static final Comparator<BackupManifest> NEWEST_FIRST = Comparator.comparing(BackupManifest::startedAt)
            .thenComparing(BackupManifest::id)
            .reversed();

    private final StorageAdapter storage;
    private final Clock clock;
    private final Duration incompleteWriteGrace;
    private final @Nullable String defaultDatabase;

    public Catalog(
            StorageAdapter storage, Clock clock, Duration incompleteWriteGrace, @Nullable String defaultDatabase) {
        this.storage = storage;
        this.clock = clock;
        this.incompleteWriteGrace = incompleteWriteGrace;
        this.defaultDatabase = defaultDatabase;
    }

    public StorageAdapter storage() {
        return storage;
    }

    /** Every backup (of {@code databaseName}, when given), newest first, verified-bad ones included. */
    public List<BackupManifest> list(@Nullable String databaseName) {
        return listing(databaseName).backups();
    }

    /**
     * {@link #list}, with the keys of the manifests that were skipped: unreadable, of a newer format, or not under
     * their own key (a manifest copied or moved to another backup's folder would otherwise make a restore of that
     * id read another backup's dump, and a delete remove the wrong folder).
     */
    public BackupListing listing(@Nullable String databaseName) {
        String prefix = databaseName == null ? "" : RepositoryLayout.databaseSegment(databaseName) + "/";
        List<BackupManifest> manifests = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ObjectInfo info : listObjects(prefix)) {
            if (isManifestKey(info.key())) {
                try {
                    readManifest(info.key()).ifPresent(manifests::add);
                } catch (UnusableManifestException e) {
                    log.warn("Skipping {}: {}", info.key(), e.getMessage());
                    skipped.add(info.key());
                }
            }
        }
        manifests.sort(NEWEST_FIRST);
        return new BackupListing(manifests, skipped);
    }

    private static boolean isManifestKey(String key) {
        return key.endsWith("/" + RepositoryLayout.MANIFEST)
                && RepositoryLayout.idOf(key).isPresent();
    }

    /**
     * One backup's manifest: looked up directly under the service's database when it is there, else found among
     * the repository's keys (without reading any other manifest). An id found under two databases is an error, not
     * a guess.
     */
    public Optional<BackupManifest> get(BackupId id) {
        if (defaultDatabase != null) {
            String direct = RepositoryLayout.manifestKey(defaultDatabase, id);
            Optional<BackupManifest> found = readUsable(direct);
            if (found.isPresent()) {
                return found;
            }
        }
        List<String> keys = new ArrayList<>();
        for (ObjectInfo info : listObjects("")) {
            if (isManifestKey(info.key())
                    && RepositoryLayout.idOf(info.key()).get().equals(id)) {
                keys.add(info.key());
            }
        }
        if (keys.size() > 1) {
            throw new PgkeepException("Backup id " + id + " is stored more than once in " + storage.describe() + " ("
                    + String.join(", ", keys) + "); delete the copy that does not belong there.");
        }
        return keys.isEmpty() ? Optional.empty() : readUsable(keys.get(0));
    }

    /** A manifest that cannot be used is an integrity failure of that backup when it is asked for by id. */
    private Optional<BackupManifest> readUsable(String key) {
        try {
            return readManifest(key);
        } catch (UnusableManifestException e) {
            throw e.reason;
        }
    }

    public BackupManifest require(BackupId id) {
        return get(id).orElseThrow(
                        () -> new BackupNotFoundException("No backup " + id + " in " + storage.describe() + ".")
                                .withRemedy(PgkeepException.Remedy.LIST_BACKUPS, null));
    }

    /** Whether a backup may be restored: never verified, or verified good. */
    public static boolean good(BackupManifest m) {
        return m.good();
    }

    /**
     * The stored backup a request names: by id, or the newest good one of a database (by default the repository's
     * only database, else the one named like {@code targetName}); {@code null} for a local file.
     */
    public @Nullable BackupManifest resolve(RestoreSource source, String targetName) {
        if (source instanceof RestoreSource.ById byId) {
            return require(byId.id());
        }
        if (source instanceof RestoreSource.Latest latest) {
            String db = latest.database() != null ? latest.database() : defaultSourceDatabase(targetName);
            return list(db).stream()
                    .filter(Catalog::good)
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "No good backup of database '" + db + "' in " + storage.describe() + "."));
        }
        return null;
    }

    private String defaultSourceDatabase(String targetName) {
        TreeSet<String> databases = new TreeSet<>();
        for (BackupManifest m : list(null)) {
            databases.add(m.database());
        }
        if (databases.size() == 1) {
            return databases.first();
        }
        if (databases.contains(targetName)) {
            return targetName;
        }
        if (databases.isEmpty()) {
            throw new BackupNotFoundException("The repository " + storage.describe() + " holds no backups.");
        }
        throw new BadInputException("The repository holds backups of several databases " + databases + ".")
                .withRemedy(PgkeepException.Remedy.NAME_SOURCE, null);
    }

    public void writeManifest(BackupManifest manifest) {
        String key = RepositoryLayout.manifestKey(manifest.database(), manifest.id());
        try (StorageAdapter.PendingObject object = storage.create(key)) {
            object.output().write(ManifestJson.write(manifest));
            object.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the manifest of backup " + manifest.id() + " in " + storage.describe() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Rewrites the manifest of a backup that exists (a verification's result) without bringing back one deleted
     * meanwhile: nothing is written when the manifest or the dump is gone, and when the dump is gone after the write
     * (a delete ran in between) the manifest just written is removed again. With {@link #delete}'s order (manifest,
     * dump, manifest again) no interleaving leaves a manifest without its dump.
     *
     * @return whether the manifest was written and the backup still exists
     */
    public boolean updateManifest(BackupManifest manifest) {
        String key = RepositoryLayout.manifestKey(manifest.database(), manifest.id());
        String dump = RepositoryLayout.dumpKey(manifest.database(), manifest.id(), manifest.dumpObject());
        try {
            if (storage.stat(key).isEmpty() || storage.stat(dump).isEmpty()) {
                return false;
            }
            writeManifest(manifest);
            if (storage.stat(dump).isEmpty()) {
                storage.delete(key);
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the manifest of backup " + manifest.id() + " in " + storage.describe() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Deletes a backup, its manifest first: a half-deleted backup is then an orphan, never listed without data. The
     * manifest is deleted once more at the end, so that a verification writing it meanwhile cannot bring it back.
     * The keys are those the manifest was read from: {@link #listing} and {@link #get} return only manifests stored
     * under their own key.
     */
    public void delete(BackupManifest m) {
        String manifestKey = RepositoryLayout.manifestKey(m.database(), m.id());
        try {
            storage.delete(manifestKey);
            for (ObjectInfo info : storage.list(RepositoryLayout.backupPrefix(m.database(), m.id()))) {
                storage.delete(info.key());
            }
            storage.delete(manifestKey);
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot delete backup " + m.id() + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Leftovers of interrupted writes whose writer is provably dead (local partials whose lock is free) or, where that
     * cannot be proven (S3 uploads), older than the grace period; failures are logged, not thrown.
     */
    public int removeIncompleteWrites() {
        try {
            return storage.removeIncompleteWrites(incompleteWriteGrace);
        } catch (IOException e) {
            log.warn("Could not remove leftovers of interrupted writes in {}: {}", storage.describe(), e.getMessage());
            return 0;
        }
    }

    /**
     * Every leftover of {@code database}: its unfinished writes and its dumps without a manifest, however young. Call
     * it only while holding the database's backup lock: every write under {@code <database>/} is made by a backup of
     * it, one at a time, so any other is dead. Failures are logged, not thrown.
     */
    public int removeLeftoversOf(String database) {
        String prefix = RepositoryLayout.databaseSegment(database) + "/";
        int removed = 0;
        try {
            removed += storage.removeIncompleteWrites(prefix);
        } catch (IOException e) {
            log.warn("Could not remove leftovers of interrupted writes in {}: {}", storage.describe(), e.getMessage());
        }
        return removed + removeOrphans(prefix, clock.instant());
    }

    /** Dump objects whose manifest was never written (a run killed between the two) and old enough to be dead. */
    public int removeOrphans() {
        return removeOrphans("", clock.instant().minus(incompleteWriteGrace));
    }

    private int removeOrphans(String prefix, Instant deadline) {
        Map<String, List<ObjectInfo>> byBackup = new LinkedHashMap<>();
        List<ObjectInfo> objects;
        try {
            objects = listObjects(prefix);
        } catch (PgkeepException e) {
            log.warn("Could not look for orphaned dumps in {}: {}", storage.describe(), e.getMessage());
            return 0;
        }
        for (ObjectInfo info : objects) {
            if (RepositoryLayout.idOf(info.key()).isPresent()) {
                byBackup.computeIfAbsent(RepositoryLayout.prefixOf(info.key()), k -> new ArrayList<>())
                        .add(info);
            }
        }
        int removed = 0;
        for (List<ObjectInfo> backup : byBackup.values()) {
            boolean hasManifest = backup.stream().anyMatch(o -> o.key().endsWith("/" + RepositoryLayout.MANIFEST));
            boolean old = backup.stream().allMatch(o -> !o.lastModified().isAfter(deadline));
            if (!hasManifest && old) {
                for (ObjectInfo o : backup) {
                    try {
                        storage.delete(o.key());
                        removed++;
                    } catch (IOException e) {
                        log.warn("Could not remove orphaned {}: {}", o.key(), e.getMessage());
                    }
                }
            }
        }
        return removed;
    }

    private List<ObjectInfo> listObjects(String prefix) {
        try {
            return storage.list(prefix);
        } catch (IOException e) {
            throw new PgkeepException("Cannot list the repository " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The manifest stored under {@code key}; empty when it was deleted meanwhile. A manifest that cannot be used
     * (unreadable, a newer format, or naming another backup than its key) raises {@link UnusableManifestException};
     * a storage failure raises {@link PgkeepException}.
     */
    private Optional<BackupManifest> readManifest(String key) {
        byte[] bytes;
        try (InputStream in = storage.read(key)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while listing
        } catch (IOException e) {
            throw new PgkeepException("Cannot read " + key + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
        BackupManifest manifest;
        try {
            manifest = ManifestJson.read(bytes, key);
        } catch (PgkeepException e) {
            throw new UnusableManifestException(e);
        }
        String own = RepositoryLayout.manifestKey(manifest.database(), manifest.id());
        if (!own.equals(key)) {
            throw new UnusableManifestException(new IntegrityException("The manifest " + key + " describes backup "
                    + manifest.id() + " of database '" + manifest.database() + "', whose manifest belongs at " + own
                    + "; it was copied or moved, so it is not trusted."));
        }
        return Optional.of(manifest);
    }

    /** A stored manifest pgkeep cannot use; listings skip it, lookups by id report {@link #reason}. */
    private static final class UnusableManifestException extends RuntimeException {
        private final PgkeepException reason;

        UnusableManifestException(PgkeepException reason) {
            super(reason.getMessage(), reason, false, false);
            this.reason = reason;
        }
    }
}
