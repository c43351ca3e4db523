package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Progress;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.internal.archive.CountingDigestOutputStream;
import dev.pgkeep.core.internal.archive.ProgressMeter;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.repository.Catalog;
import dev.pgkeep.core.internal.repository.ManifestJson;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code copy}: committed backups from this repository to another, as they are stored (still compressed and
 * encrypted). Each backup's objects are copied with their manifest last, exactly as a backup commits, so a cut copy is
 * never listed in the target (its leftovers are the target's ordinary leftovers); the dump's SHA-256 and size are
 * checked against the manifest on the way, before the target's object is committed. Backups the target already holds
 * with the same checksum are skipped, so copying again is cheap and safe.
 */
public final class CopyCommand {
    private static final Logger log = LoggerFactory.getLogger(CopyCommand.class);

    private final CommandContext c;

    public CopyCommand(CommandContext context) {
        this.c = context;
    }

    public CopyResult run(CopyRequest request) {
        StorageAdapter target = request.target();
        if (target.describe().equals(c.storage().describe())) {
            throw new BadInputException("The copy's target " + target.describe()
                    + " is the repository it would copy from; name another repository.");
        }
        List<BackupManifest> selected = select(request);
        Map<BackupId, BackupManifest> present = new HashMap<>();
        try {
            for (BackupManifest m : new Catalog(target, c.clock(), Duration.ZERO, null).list(request.database())) {
                present.put(m.id(), m);
            }
        } catch (PgkeepException e) {
            // an unreachable target: every copy below meets it again and reports it in its own (alerted) event
            log.debug("Cannot list the copy target {}: {}", target.describe(), e.getMessage());
        }
        ProgressMeter meter = ProgressMeter.of(request.progress());
        meter.start(
                Progress.COPYING,
                selected.stream()
                        .filter(m -> !present.containsKey(m.id()))
                        .mapToLong(BackupManifest::storedBytes)
                        .sum(),
                true);
        List<BackupManifest> copied = new ArrayList<>();
        List<BackupManifest> already = new ArrayList<>();
        List<CopyResult.Failure> failed = new ArrayList<>();
        long bytes = 0;
        for (BackupManifest m : selected) {
            BackupManifest existing = present.get(m.id());
            if (existing != null && existing.sha256().equals(m.sha256())) {
                already.add(m);
                continue;
            }
            OperationEvents.Run run =
                    c.events().of(Operation.COPY, m.database(), request.trigger(), request.actor(), null);
            run.backupId = m.id().value();
            try {
                long written = run.around(() -> {
                    BackupManifest there = existing != null ? existing : committedIn(target, m);
                    if (there != null && there.sha256().equals(m.sha256())) {
                        return -1L;
                    }
                    if (there != null) {
                        throw new PgkeepException(
                                ErrorKind.REFUSED,
                                "The target " + target.describe() + " holds a different backup under the id " + m.id()
                                        + " (SHA-256 " + there.sha256() + ", here " + m.sha256()
                                        + "); nothing was copied over it.",
                                null);
                    }
                    long bytesWritten = copyBackup(m, target, meter);
                    run.storedBytes = bytesWritten;
                    run.manifest = m;
                    return bytesWritten;
                });
                if (written < 0) {
                    already.add(m);
                } else {
                    copied.add(m);
                    bytes += written;
                }
            } catch (PgkeepException e) {
                if (request.selection() == CopyRequest.Selection.BACKUP) {
                    throw e;
                }
                failed.add(new CopyResult.Failure(m.id(), m.database(), e.kind(), String.valueOf(e.getMessage())));
            }
        }
        meter.finish();
        return new CopyResult(target.describe(), copied, already, failed, bytes);
    }

    private List<BackupManifest> select(CopyRequest request) {
        switch (request.selection()) {
            case BACKUP:
                return List.of(c.catalog().require(request.backupId()));
            case LATEST:
                return List.of(c.catalog().resolve(new RestoreSource.Latest(request.database()), ""));
            default:
                List<BackupManifest> good = new ArrayList<>(c.catalog().list(request.database()).stream()
                        .filter(Catalog::good)
                        .toList());
                // oldest first: a cut --all run has copied the oldest, and the next run continues with the newer ones
                Collections.reverse(good);
                return good;
        }
    }

    /** The target's manifest of {@code m}'s id, if it has one (a copy made since the listing, or a listing that failed). */
    private static @Nullable BackupManifest committedIn(StorageAdapter target, BackupManifest m) {
        String key = RepositoryLayout.manifestKey(m.database(), m.id());
        try {
            if (target.stat(key).isEmpty()) {
                return null;
            }
            try (InputStream in = target.read(key)) {
                return ManifestJson.read(in.readAllBytes(), target.describe() + "/" + key);
            }
        } catch (IOException e) {
            throw new PgkeepException("Cannot reach the copy target " + target.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Every object of the backup, the manifest last; returns the bytes written. */
    private long copyBackup(BackupManifest m, StorageAdapter target, ProgressMeter meter) {
        String manifestKey = RepositoryLayout.manifestKey(m.database(), m.id());
        String dumpKey = RepositoryLayout.dumpKey(m.database(), m.id(), m.dumpObject());
        List<ObjectInfo> objects;
        try {
            objects = c.storage().list(RepositoryLayout.backupPrefix(m.database(), m.id()));
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot list backup " + m.id() + " in " + c.storage().describe() + ": " + e.getMessage(), e);
        }
        // what each dump object must be: the one object of a single-file backup, every object of a directory backup
        Map<String, Expected> expected = new HashMap<>();
        if (m.directory()) {
            for (BackupManifest.StoredObject o : m.objects()) {
                expected.put(
                        RepositoryLayout.dumpKey(m.database(), m.id(), o.name()),
                        new Expected(o.storedBytes(), o.sha256()));
            }
        } else {
            expected.put(dumpKey, new Expected(m.storedBytes(), m.sha256()));
        }
        for (String key : expected.keySet()) {
            if (objects.stream().noneMatch(o -> o.key().equals(key))) {
                throw new IntegrityException("Backup " + m.id() + " has a manifest but no stored object " + key + " in "
                        + c.storage().describe() + "; it cannot be copied (or restored).");
            }
        }
        long written = 0;
        for (ObjectInfo o : objects) {
            if (!o.key().equals(manifestKey)) {
                written += copyObject(o.key(), m, expected.get(o.key()), target, meter);
            }
        }
        return written + copyObject(manifestKey, m, null, target, ProgressMeter.NONE);
    }

    /** The size and SHA-256 a stored object must have. */
    private record Expected(long storedBytes, String sha256) {}

    /** Streams one object; with {@code proving}, its SHA-256 and size must match it before it commits. */
    private long copyObject(
            String key, BackupManifest m, @Nullable Expected proving, StorageAdapter target, ProgressMeter meter) {
        try (InputStream in = meter.reading(c.storage().read(key));
                StorageAdapter.PendingObject out = target.create(key)) {
            CountingDigestOutputStream digest = new CountingDigestOutputStream(out.output());
            in.transferTo(digest);
            digest.flush();
            if (proving != null) {
                String sha = digest.sha256Hex();
                if (digest.count() != proving.storedBytes() || !sha.equals(proving.sha256())) {
                    throw new IntegrityException("Backup " + m.id() + " is corrupt in "
                            + c.storage().describe() + ": " + key + " has SHA-256 " + sha + " and " + digest.count()
                            + " bytes, the manifest says " + proving.sha256() + " and " + proving.storedBytes()
                            + " bytes. Nothing of it was copied; run 'pgkeep verify' on it.");
                }
            }
            out.commit();
            return digest.count();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot copy " + key + " from " + c.storage().describe() + " to " + target.describe() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
