package dev.pgkeep.core.internal.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.RetentionRule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Retention over random histories: up to 3,000 backups spread over four years (about two a day, some
 * verified broken), random policies. Each calendar rule is checked against its definition (for the last N buckets that have a
 * good backup, the newest good backup of each), not against a second implementation of the walk.
 */
class RetentionPlanProperties {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Comparator<BackupManifest> NEWER =
            Comparator.comparing(BackupManifest::completedAt).thenComparing(BackupManifest::id);

    record History(List<BackupManifest> backups, RetentionPolicy policy, long shuffleSeed) {}

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<List<BackupManifest>> backups = Combinators.combine(
                        Arbitraries.longs().between(0, Duration.ofDays(4 * 366).toSeconds()),
                        // 8 in 10 never verified, 1 verified good, 1 verified broken
                        Arbitraries.integers().between(0, 9))
                .as((secondsAgo, v) -> RetentionPlanTest.backupAt(
                        NOW.minusSeconds(secondsAgo), v < 8 ? null : Boolean.valueOf(v == 8)))
                .list()
                .ofMaxSize(3000);
        Arbitrary<RetentionPolicy> policies = Combinators.combine(
                        Arbitraries.integers().between(0, 30),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(0, 14),
                        Arbitraries.integers().between(0, 10),
                        Arbitraries.integers().between(0, 24),
                        Arbitraries.integers().between(0, 5))
                .as(RetentionPolicy::new);
        return Combinators.combine(backups, policies, Arbitraries.longs()).as(History::new);
    }

    @Property(tries = 150)
    void theResultNeverDependsOnTheOrderBackupsAreListedIn(@ForAll("histories") History h) {
        List<BackupManifest> shuffled = new ArrayList<>(h.backups());
        Collections.shuffle(shuffled, new Random(h.shuffleSeed()));
        assertThat(byId(RetentionPlan.decide(shuffled, h.policy(), NOW)))
                .isEqualTo(byId(RetentionPlan.decide(h.backups(), h.policy(), NOW)));
    }

    @Property(tries = 150)
    void everyBackupIsDecidedAndOnlyAgeKeepsABrokenOne(@ForAll("histories") History h) {
        Map<BackupManifest, Set<RetentionRule>> plan = RetentionPlan.decide(h.backups(), h.policy(), NOW);
        assertThat(plan.keySet()).containsExactlyInAnyOrderElementsOf(h.backups());
        Instant cutoff = NOW.minus(Duration.ofDays(h.policy().keepDays()));
        plan.forEach((m, rules) -> {
            assertThat(rules.contains(RetentionRule.KEEP_DAYS))
                    .isEqualTo(h.policy().keepDays() > 0 && !m.completedAt().isBefore(cutoff));
            if (!RetentionPlan.isGood(m)) {
                assertThat(rules).isSubsetOf(RetentionRule.KEEP_DAYS);
            }
        });
    }

    @Property(tries = 150)
    void theNewestGoodBackupsUpToKeepMinAlwaysStay(@ForAll("histories") History h) {
        Map<BackupManifest, Set<RetentionRule>> plan = RetentionPlan.decide(h.backups(), h.policy(), NOW);
        List<BackupManifest> good = h.backups().stream()
                .filter(RetentionPlan::isGood)
                .sorted(NEWER.reversed())
                .toList();
        for (int i = 0; i < good.size(); i++) {
            Set<RetentionRule> rules = plan.get(good.get(i));
            assertThat(rules.contains(RetentionRule.KEEP_MIN))
                    .isEqualTo(i < h.policy().keepMin());
            assertThat(rules.contains(RetentionRule.NEWEST_GOOD)).isEqualTo(i == 0);
            if (i < h.policy().keepMin()) {
                assertThat(rules).isNotEmpty();
            }
        }
    }

    @Property(tries = 150)
    void eachCalendarRuleKeepsTheNewestGoodBackupOfTheLastNBucketsThatHaveOne(@ForAll("histories") History h) {
        Map<BackupManifest, Set<RetentionRule>> plan = RetentionPlan.decide(h.backups(), h.policy(), NOW);
        checkCalendarRule(h, plan, RetentionRule.DAILY, h.policy().keepDaily(), day -> day.toString());
        checkCalendarRule(
                h,
                plan,
                RetentionRule.WEEKLY,
                h.policy().keepWeekly(),
                day -> String.format(
                        "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        checkCalendarRule(
                h,
                plan,
                RetentionRule.MONTHLY,
                h.policy().keepMonthly(),
                day -> String.format("%d-%02d", day.getYear(), day.getMonthValue()));
        checkCalendarRule(h, plan, RetentionRule.YEARLY, h.policy().keepYearly(), day -> "" + day.getYear());
    }

    private static void checkCalendarRule(
            History h,
            Map<BackupManifest, Set<RetentionRule>> plan,
            RetentionRule rule,
            int n,
            Function<LocalDate, String> bucketOf) {
        // the definition: group the good backups by bucket (keys sort chronologically), take the newest N buckets,
        // and the newest backup in each
        TreeMap<String, BackupManifest> newestPerBucket = new TreeMap<>(Comparator.reverseOrder());
        for (BackupManifest m : h.backups()) {
            if (RetentionPlan.isGood(m)) {
                String bucket =
                        bucketOf.apply(m.completedAt().atOffset(ZoneOffset.UTC).toLocalDate());
                newestPerBucket.merge(bucket, m, (a, b) -> NEWER.compare(a, b) >= 0 ? a : b);
            }
        }
        Set<BackupId> expected = newestPerBucket.values().stream()
                .limit(n)
                .map(BackupManifest::id)
                .collect(Collectors.toSet());
        Set<BackupId> actual = plan.entrySet().stream()
                .filter(e -> e.getValue().contains(rule))
                .map(e -> e.getKey().id())
                .collect(Collectors.toSet());
        assertThat(actual).as(rule.code()).isEqualTo(expected);
    }

    private static Map<BackupId, Set<RetentionRule>> byId(Map<BackupManifest, Set<RetentionRule>> plan) {
        Map<BackupId, Set<RetentionRule>> out = new LinkedHashMap<>();
        plan.forEach((m, rules) -> out.put(m.id(), rules));
        return out;
    }
}
