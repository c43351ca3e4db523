package dev.pgkeep.core.internal.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.RetentionRule;
import dev.pgkeep.core.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static BackupManifest backup(int daysAgo, Boolean verifiedOk) {
        return backupAt(NOW.minus(Duration.ofDays(daysAgo)), verifiedOk);
    }

    static BackupManifest backupAt(Instant at, Boolean verifiedOk) {
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
                null,
                verifiedOk == null ? null : new BackupManifest.Verification(at, "checksum+list", verifiedOk, null));
    }

    static List<BackupManifest> deleted(List<BackupManifest> newestFirst, RetentionPolicy policy) {
        Map<BackupManifest, Set<RetentionRule>> plan = RetentionPlan.decide(newestFirst, policy, NOW);
        assertThat(plan).hasSameSizeAs(newestFirst);
        return plan.entrySet().stream()
                .filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList();
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

    @Test
    void calendarRulesKeepTheNewestGoodBackupOfEachOfTheLastNBucketsThatHaveOne() {
        // four backups a day for 400 days, at 01:00, 07:00, 13:00, 19:00 UTC; the newest completed 2026-11-25 07:00
        List<BackupManifest> all = new java.util.ArrayList<>();
        Instant newest = Instant.parse("2026-11-25T07:00:00Z");
        for (int i = 0; i < 1600; i++) {
            all.add(backupAt(newest.minus(Duration.ofHours(6L * i)), null));
        }
        RetentionPolicy policy = new RetentionPolicy(0, 1).withCalendar(7, 4, 12, 3);
        Map<BackupManifest, Set<RetentionRule>> plan = RetentionPlan.decide(all, policy, NOW);

        assertThat(completedWhere(plan, RetentionRule.DAILY))
                .containsExactly(
                        "2026-11-25T07:00:00Z",
                        "2026-11-24T19:00:00Z",
                        "2026-11-23T19:00:00Z",
                        "2026-11-22T19:00:00Z",
                        "2026-11-21T19:00:00Z",
                        "2026-11-20T19:00:00Z",
                        "2026-11-19T19:00:00Z");
        // ISO weeks end on Sunday: 2026-11-22, -15, -08 are Sundays
        assertThat(completedWhere(plan, RetentionRule.WEEKLY))
                .containsExactly(
                        "2026-11-25T07:00:00Z", "2026-11-22T19:00:00Z", "2026-11-15T19:00:00Z", "2026-11-08T19:00:00Z");
        assertThat(completedWhere(plan, RetentionRule.MONTHLY))
                .hasSize(12)
                .startsWith("2026-11-25T07:00:00Z", "2026-10-31T19:00:00Z", "2026-09-30T19:00:00Z")
                .endsWith("2025-12-31T19:00:00Z");
        // 400 days back reaches October 2025: only two years have a backup, so yearly keeps two
        assertThat(completedWhere(plan, RetentionRule.YEARLY))
                .containsExactly("2026-11-25T07:00:00Z", "2025-12-31T19:00:00Z");
        assertThat(plan.values().stream().filter(r -> !r.isEmpty()).count()).isEqualTo(7 + 2 + 11);
    }

    @Test
    void calendarRulesSkipBrokenBackupsAndBucketsWithoutAGoodOne() {
        List<BackupManifest> all = List.of(
                backup(0, false), // today: broken, so today has no good backup
                backup(1, null),
                backup(3, true),
                backup(3, false));
        Map<BackupManifest, Set<RetentionRule>> plan =
                RetentionPlan.decide(all, new RetentionPolicy(0, 1).withCalendar(2, 0, 0, 0), NOW);
        assertThat(plan.get(all.get(0))).isEmpty();
        assertThat(plan.get(all.get(1))).contains(RetentionRule.DAILY, RetentionRule.NEWEST_GOOD);
        assertThat(plan.get(all.get(2))).containsExactly(RetentionRule.DAILY);
        assertThat(plan.get(all.get(3))).isEmpty();
    }

    @Test
    void negativeCalendarCountsAreBadInput() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> RetentionPolicy.defaults().withCalendar(0, -1, 0, 0))
                .isInstanceOf(dev.pgkeep.core.BadInputException.class)
                .hasMessageContaining("keep-weekly");
    }

    private static List<String> completedWhere(Map<BackupManifest, Set<RetentionRule>> plan, RetentionRule rule) {
        return plan.entrySet().stream()
                .filter(e -> e.getValue().contains(rule))
                .map(e -> e.getKey().completedAt().toString())
                .toList();
    }
}
