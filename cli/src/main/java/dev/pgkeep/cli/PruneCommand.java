package dev.pgkeep.cli;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Encryptor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep prune}. */
@Command(
        name = "prune",
        description = "Apply retention: keep backups younger than --keep-days and at least"
                + " --keep-min per database (the newest good one always); remove leftovers of interrupted runs.",
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

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
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
        RetentionPolicy policy = new RetentionPolicy(keepDays, keepMin);
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
            json.put("skippedManifests", result.skipped());
            env.out().println(Output.json(json));
            return 0;
        }
        ListCommand.warnSkipped(env, result.skipped());
        String verb = dryRun ? "Would delete" : "Deleted";
        for (BackupManifest m : result.deleted()) {
            env.out().printf("%s %s (%s, %s)%n", verb, m.id(), m.database(), Output.bytes(m.storedBytes()));
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
}
