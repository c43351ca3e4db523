package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BadInputException;
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

    public Catalog(StorageAdapter storage, Clock clock, Duration incompleteWriteGrace) {
        this.storage = storage;
        this.clock = clock;
        this.incompleteWriteGrace = incompleteWriteGrace;
    }

    public StorageAdapter storage() {
        return storage;
    }

    /** Every backup (of {@code databaseName}, when given), newest first, verified-bad ones included. */
    public List<BackupManifest> list(@Nullable String databaseName) {
        String prefix = databaseName == null ? "" : RepositoryLayout.databaseSegment(databaseName) + "/";
        List<BackupManifest> manifests = new ArrayList<>();
        for (ObjectInfo info : listObjects(prefix)) {
            if (info.key().endsWith("/" + RepositoryLayout.MANIFEST)
                    && RepositoryLayout.idOf(info.key()).isPresent()) {
                readManifest(info.key()).ifPresent(manifests::add);
            }
        }
        manifests.sort(NEWEST_FIRST);
        return manifests;
    }

    public Optional<BackupManifest> get(BackupId id) {
        for (ObjectInfo info : listObjects("")) {
            if (info.key().endsWith("/" + id.value() + "/" + RepositoryLayout.MANIFEST)) {
                return readManifest(info.key());
            }
        }
        return Optional.empty();
    }

    public BackupManifest require(BackupId id) {
        return get(id).orElseThrow(
                        () -> new BackupNotFoundException("No backup " + id + " in " + storage.describe() + ".")
                                .withRemedy(PgkeepException.Remedy.LIST_BACKUPS, null));
    }

    /** Whether a backup may be restored: never verified, or verified good. */
    public static boolean good(BackupManifest m) {
        return m.verification() == null || m.verification().ok();
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

    /** Deletes a backup, its manifest first: a half-deleted backup is then an orphan, never listed without data. */
    public void delete(BackupManifest m) {
        try {
            storage.delete(RepositoryLayout.manifestKey(m.database(), m.id()));
            for (ObjectInfo info : storage.list(RepositoryLayout.backupPrefix(m.database(), m.id()))) {
                storage.delete(info.key());
            }
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot delete backup " + m.id() + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Temporary objects of interrupted writes older than the grace period; failures are logged, not thrown. */
    public int removeIncompleteWrites() {
        try {
            return storage.removeIncompleteWrites(incompleteWriteGrace);
        } catch (IOException e) {
            log.warn("Could not remove leftovers of interrupted writes in {}: {}", storage.describe(), e.getMessage());
            return 0;
        }
    }

    /** Dump objects whose manifest was never written (a run killed between the two) and old enough to be dead. */
    public int removeOrphans() {
        Map<String, List<ObjectInfo>> byBackup = new LinkedHashMap<>();
        for (ObjectInfo info : listObjects("")) {
            if (RepositoryLayout.idOf(info.key()).isPresent()) {
                byBackup.computeIfAbsent(RepositoryLayout.prefixOf(info.key()), k -> new ArrayList<>())
                        .add(info);
            }
        }
        Instant deadline = clock.instant().minus(incompleteWriteGrace);
        int removed = 0;
        for (List<ObjectInfo> objects : byBackup.values()) {
            boolean hasManifest = objects.stream().anyMatch(o -> o.key().endsWith("/" + RepositoryLayout.MANIFEST));
            boolean old = objects.stream().allMatch(o -> !o.lastModified().isAfter(deadline));
            if (!hasManifest && old) {
                for (ObjectInfo o : objects) {
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

    private Optional<BackupManifest> readManifest(String key) {
        try (InputStream in = storage.read(key)) {
            return Optional.of(ManifestJson.read(in.readAllBytes(), key));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted while listing
        } catch (IOException e) {
            throw new PgkeepException("Cannot read " + key + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
    }
}
