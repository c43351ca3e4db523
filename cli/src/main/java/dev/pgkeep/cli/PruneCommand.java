package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.RetentionRule;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Encryptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep prune}. */
@Command(
        name = "prune",
        description = "Apply retention: keep backups younger than --keep-days, at least --keep-min per database"
                + " (the newest good one always) and, with --keep-daily/-weekly/-monthly/-yearly, the newest good"
                + " backup of each of the last N days, weeks, months, years; remove leftovers of interrupted runs.",
        mixinStandardHelpOptions = true)
final class PruneCommand extends CliCommand {

    @Option(
            names = "--keep-days",
            paramLabel = "N",
            defaultValue = "" + RetentionPolicy.DEFAULT_KEEP_DAYS,
            description = "Keep every backup younger than N days (default ${DEFAULT-VALUE}).")
    int keepDays;

    @Option(
            names = "--keep-min",
            paramLabel = "N",
            defaultValue = "" + RetentionPolicy.DEFAULT_KEEP_MIN,
            description = "Keep at least N good backups per database (default ${DEFAULT-VALUE}).")
    int keepMin;

    @Option(
            names = "--keep-daily",
            paramLabel = "N",
            description = "Keep the newest good backup of each of the last N days (UTC) that have one (default off).")
    int keepDaily;

    @Option(
            names = "--keep-weekly",
            paramLabel = "N",
            description = "Keep the newest good backup of each of the last N ISO weeks that have one (default off).")
    int keepWeekly;

    @Option(
            names = "--keep-monthly",
            paramLabel = "N",
            description = "Keep the newest good backup of each of the last N months that have one (default off).")
    int keepMonthly;

    @Option(
            names = "--keep-yearly",
            paramLabel = "N",
            description = "Keep the newest good backup of each of the last N years that have one (default off).")
    int keepYearly;

    @Option(
            names = "--dry-run",
            description = "Only show what would be deleted, and which rules keep every other backup.")
    boolean dryRun;

    @Option(
            names = "--incomplete-write-grace",
            paramLabel = "DURATION",
            defaultValue = "PT24H",
            converter = DurationConverter.class,
            description = "Remove leftovers of interrupted runs whose writer cannot be proven dead (open S3 uploads,"
                    + " dumps without a manifest) once older than this: 24h, 30m, PT2H (default 24h). Local partial"
                    + " files whose writer died go at once.")
    Duration incompleteWriteGrace;

    /** {@code 24h}, {@code 30m}, {@code 90s}, {@code 2d} or ISO-8601 ({@code PT24H}); never negative. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            Duration d;
            try {
                if (v.startsWith("p")) {
                    d = Duration.parse(v.toUpperCase(Locale.ROOT));
                } else if (v.matches("\\d+[smhd]")) {
                    long n = Long.parseLong(v.substring(0, v.length() - 1));
                    d = switch (v.charAt(v.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                } else {
                    throw new CommandLine.TypeConversionException("");
                }
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; write it as 24h, 30m, 90s, 2d or PT24H");
            }
            if (d.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return d;
        }
    }

    @Override
    public Integer call() {
        RetentionPolicy policy = new RetentionPolicy(keepDays, keepMin, keepDaily, keepWeekly, keepMonthly, keepYearly);
        BackupService service = service(env.storage(common.repo), null, Encryptor.NONE)
                .lock(BackupLock.NONE)
                .incompleteWriteGracePeriod(incompleteWriteGrace)
                .build();
        PruneResult result = service.prune(policy, dryRun, Trigger.CLI, System.getProperty("user.name"));
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dryRun", result.dryRun());
            json.put(
                    "deleted",
                    result.deleted().stream().map(m -> m.id().value()).toList());
            json.put("kept", result.kept().stream().map(m -> m.id().value()).toList());
            json.put("incompleteRemoved", result.incompleteRemoved());
            List<Map<String, Object>> backups = new ArrayList<>();
            for (BackupManifest m : everyBackup(result)) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("id", m.id().value());
                b.put("database", m.database());
                b.put("completedAt", m.completedAt().toString());
                b.put("keep", !result.rulesKeeping(m).isEmpty());
                b.put("keptBy", rules(result, m));
                backups.add(b);
            }
            json.put("backups", backups);
            json.put("skippedManifests", result.skipped());
            env.out().println(Output.json(json));
            return 0;
        }
        ListCommand.warnSkipped(env, result.skipped());
        String verb = dryRun ? "Would delete" : "Deleted";
        if (dryRun) {
            for (BackupManifest m : everyBackup(result)) {
                List<String> rules = rules(result, m);
                env.out()
                        .printf(
                                "%-6s %s (%s, %s)%s%n",
                                rules.isEmpty() ? "delete" : "keep",
                                m.id(),
                                m.database(),
                                Output.bytes(m.storedBytes()),
                                rules.isEmpty() ? "" : ": " + String.join(", ", rules));
            }
        } else {
            for (BackupManifest m : result.deleted()) {
                env.out().printf("%s %s (%s, %s)%n", verb, m.id(), m.database(), Output.bytes(m.storedBytes()));
            }
        }
        env.out()
                .printf(
                        "%s %d backup(s), kept %d%s.%n",
                        verb,
                        result.deleted().size(),
                        result.kept().size(),
                        result.incompleteRemoved() > 0
                                ? ", removed " + result.incompleteRemoved() + " leftover(s) of interrupted runs"
                                : "");
        return 0;
    }

    /** Kept and deleted backups together, per database newest first. */
    private static List<BackupManifest> everyBackup(PruneResult result) {
        List<BackupManifest> all = new ArrayList<>(result.kept());
        all.addAll(result.deleted());
        all.sort(Comparator.comparing(BackupManifest::database)
                .thenComparing(Comparator.comparing(BackupManifest::completedAt).reversed()));
        return all;
    }

    private static List<String> rules(PruneResult result, BackupManifest m) {
        return result.rulesKeeping(m).stream().map(RetentionRule::code).toList();
    }
}
