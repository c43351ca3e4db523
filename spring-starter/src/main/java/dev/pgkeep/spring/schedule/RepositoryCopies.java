package dev.pgkeep.spring.schedule;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.StorageAdapter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second repositories of {@code pgkeep.copies[N]} (3-2-1): each new backup is copied to every one after it is
 * committed, then each applies its own retention. A failed copy is logged and, through the primary service's audit
 * sinks (a {@code copy} FAILED event), alerted; it never fails the backup, which is already safe in the primary
 * repository.
 */
public final class RepositoryCopies {
    private static final Logger log = LoggerFactory.getLogger(RepositoryCopies.class);

    /**
     * One second repository.
     *
     * @param repository a service on {@code storage} alone, used for its retention
     * @param retention applied after each copy; {@code null} keeps everything
     */
    public record Target(
            StorageAdapter storage,
            BackupService repository,
            @Nullable RetentionPolicy retention) {}

    /** What happened to one copy. */
    public record Outcome(
            String target, boolean copied, @Nullable String error) {}

    private final List<Target> targets;

    public RepositoryCopies(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    public static RepositoryCopies none() {
        return new RepositoryCopies(List.of());
    }

    public List<Target> targets() {
        return targets;
    }

    /** Copies {@code backup} from {@code primary} to every target, then applies that target's retention. */
    public List<Outcome> copy(BackupService primary, BackupManifest backup, Trigger trigger) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            String where = t.storage().describe();
            try {
                CopyResult result = primary.copy(
                        CopyRequest.backup(backup.id(), t.storage()).by(trigger, "pgkeep-copies"));
                log.info("pgkeep copied backup {} to {} ({} bytes)", backup.id(), where, result.bytesCopied());
                if (t.retention() != null) {
                    int deleted = t.repository()
                            .prune(t.retention(), false, trigger, "pgkeep-copies")
                            .deleted()
                            .size();
                    log.info("pgkeep retention removed {} backup(s) from {}", deleted, where);
                }
                outcomes.add(new Outcome(where, true, null));
            } catch (RuntimeException e) {
                log.error(
                        "pgkeep backup {} is stored, but copying it to {} failed: {}",
                        backup.id(),
                        where,
                        e.getMessage());
                outcomes.add(new Outcome(where, false, String.valueOf(e.getMessage())));
            }
        }
        return outcomes;
    }
}
