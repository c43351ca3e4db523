package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.RetentionRule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decides which backups of one database retention keeps, and why (see {@link RetentionPolicy} for the rules). The
 * calendar rules follow restic's and borg's semantics: walking from the newest good backup back, each rule keeps the
 * first (so the newest) good backup of every new bucket until it has kept N; buckets are UTC days, ISO weeks, months
 * and years. The result depends only on the backups, never on the order they are given in.
 */
public final class RetentionPlan {
    private static final Comparator<BackupManifest> NEWEST_FIRST = Comparator.comparing(BackupManifest::completedAt)
            .thenComparing(BackupManifest::id)
            .reversed();

    private RetentionPlan() {}

    /**
     * The rules keeping each backup of one database; a backup mapped to an empty set is deleted. The map iterates
     * newest first.
     */
    public static Map<BackupManifest, Set<RetentionRule>> decide(
            Collection<BackupManifest> backups, RetentionPolicy policy, Instant now) {
        List<BackupManifest> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(NEWEST_FIRST);
        Instant cutoff = now.minus(Duration.ofDays(policy.keepDays()));
        Map<RetentionRule, Bucketing> calendar = new EnumMap<>(RetentionRule.class);
        calendar.put(RetentionRule.DAILY, new Bucketing(policy.keepDaily(), date -> date));
        calendar.put(
                RetentionRule.WEEKLY,
                new Bucketing(
                        policy.keepWeekly(),
                        date -> date.get(IsoFields.WEEK_BASED_YEAR) * 100
                                + date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        calendar.put(
                RetentionRule.MONTHLY,
                new Bucketing(policy.keepMonthly(), date -> date.getYear() * 100 + date.getMonthValue()));
        calendar.put(RetentionRule.YEARLY, new Bucketing(policy.keepYearly(), LocalDate::getYear));

        Map<BackupManifest, Set<RetentionRule>> decisions = new LinkedHashMap<>();
        int goodSeen = 0;
        for (BackupManifest m : newestFirst) {
            Set<RetentionRule> rules = EnumSet.noneOf(RetentionRule.class);
            if (policy.keepDays() > 0 && !m.completedAt().isBefore(cutoff)) {
                rules.add(RetentionRule.KEEP_DAYS);
            }
            if (isGood(m)) {
                if (goodSeen == 0) {
                    rules.add(RetentionRule.NEWEST_GOOD);
                }
                if (goodSeen < policy.keepMin()) {
                    rules.add(RetentionRule.KEEP_MIN);
                }
                goodSeen++;
                LocalDate day = m.completedAt().atOffset(ZoneOffset.UTC).toLocalDate();
                calendar.forEach((rule, bucketing) -> {
                    if (bucketing.keepsNewestOf(day)) {
                        rules.add(rule);
                    }
                });
            }
            decisions.put(m, rules);
        }
        return decisions;
    }

    /** A backup is good unless a verification found it broken. */
    public static boolean isGood(BackupManifest m) {
        return m.good();
    }

    /** One calendar rule's walk: keeps the first backup seen of each new bucket until it has kept {@code limit}. */
    private static final class Bucketing {
        private final int limit;
        private final Function<LocalDate, Object> bucketOf;
        private int kept;
        private @Nullable Object lastBucket;

        Bucketing(int limit, Function<LocalDate, Object> bucketOf) {
            this.limit = limit;
            this.bucketOf = bucketOf;
        }

        boolean keepsNewestOf(LocalDate day) {
            Object bucket = bucketOf.apply(day);
            if (kept >= limit || Objects.equals(bucket, lastBucket)) {
                return false;
            }
            lastBucket = bucket;
            kept++;
            return true;
        }
    }
}
