package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.RetentionPolicy;
import java.time.Instant;
import java.util.List;

/**
 * Decides which backups of one database retention keeps: the newest {@code keepMin} good backups always, every
 * backup younger than the cutoff, nothing else. A backup is good unless a verification found it broken.
 */
public final class RetentionPlan {
    private RetentionPlan() {}

    /** {@code newestFirst} are one database's backups; each lands in exactly one of {@code kept}, {@code deleted}. */
    public static void apply(
            List<BackupManifest> newestFirst,
            RetentionPolicy policy,
            Instant cutoff,
            List<BackupManifest> kept,
            List<BackupManifest> deleted) {
        int goodKept = 0;
        for (BackupManifest m : newestFirst) {
            boolean good = m.verification() == null || m.verification().ok();
            boolean young = !m.completedAt().isBefore(cutoff);
            if ((good && goodKept < policy.keepMin()) || young) {
                kept.add(m);
                if (good) {
                    goodKept++;
                }
            } else {
                deleted.add(m);
            }
        }
    }
}
