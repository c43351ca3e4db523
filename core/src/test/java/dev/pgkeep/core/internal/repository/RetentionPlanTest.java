package dev.pgkeep.core.internal.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static BackupManifest backup(int daysAgo, Boolean verifiedOk) {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        return new BackupManifest(
                1,
                BackupId.generate(at),
                "db",
                null,
                Trigger.SCHEDULE,
                at,
                at,
                0,
                "15",
                "15",
                null,
                "custom",
                new BackupManifest.Compression("zstd", 3),
                null,
                "dump.pgc.zst",
                10,
                5,
                "00",
                null,
                null,
                new BackupManifest.Tool("pgkeep", "test"),
                verifiedOk == null ? null : new BackupManifest.Verification(at, "checksum+list", verifiedOk, null));
    }

    static List<BackupManifest> deleted(List<BackupManifest> newestFirst, RetentionPolicy policy) {
        List<BackupManifest> kept = new ArrayList<>();
        List<BackupManifest> deleted = new ArrayList<>();
        RetentionPlan.apply(newestFirst, policy, NOW.minus(Duration.ofDays(policy.keepDays())), kept, deleted);
        assertThat(kept.size() + deleted.size()).isEqualTo(newestFirst.size());
        return deleted;
    }

    @Test
    void keepsEverythingYoungerThanKeepDays() {
        List<BackupManifest> all = List.of(backup(1, null), backup(3, null), backup(8, null), backup(30, null));
        assertThat(deleted(all, new RetentionPolicy(7, 1))).containsExactly(all.get(2), all.get(3));
    }

    @Test
    void neverGoesBelowKeepMinEvenWhenEverythingIsOld() {
        List<BackupManifest> all = List.of(backup(40, null), backup(41, null), backup(42, null));
        assertThat(deleted(all, new RetentionPolicy(7, 2))).containsExactly(all.get(2));
        assertThat(deleted(all, new RetentionPolicy(0, 1))).containsExactly(all.get(1), all.get(2));
    }

    @Test
    void theNewestGoodBackupSurvivesEvenWhenNewerOnesFailedVerification() {
        List<BackupManifest> all = List.of(backup(20, false), backup(21, true), backup(22, null));
        // the broken newest does not count towards keep-min: the newest good one is kept instead
        assertThat(deleted(all, new RetentionPolicy(7, 1))).containsExactly(all.get(0), all.get(2));
    }
}
