package dev.pgkeep.cli;

import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.spi.Encryptor;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep list}. */
@Command(
        name = "list",
        description = "List the good backups in the repository, newest first.",
        mixinStandardHelpOptions = true)
final class ListCommand extends CliCommand {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Option(names = "--database", paramLabel = "NAME", description = "Only this database's backups.")
    @Nullable
    String database;

    @Override
    public Integer call() {
        BackupService service = service(env.storage(common.repo), null, Encryptor.NONE)
                .lock(dev.pgkeep.core.spi.BackupLock.NONE)
                .build();
        BackupListing listing = service.listing(database);
        List<BackupManifest> backups = listing.backups();
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("backups", backups);
            json.put("skippedManifests", listing.skipped());
            env.out().println(Output.json(json));
            return 0;
        }
        warnSkipped(env, listing.skipped());
        if (backups.isEmpty()) {
            env.out().println("No backups" + (database != null ? " of " + database : "") + ".");
            return 0;
        }
        env.out()
                .printf(
                        "%-29s  %-20s  %-20s  %10s  %-9s  %-10s  %s%n",
                        "ID", "DATABASE", "COMPLETED (UTC)", "SIZE", "CODEC", "ENCRYPTED", "VERIFIED / LABEL");
        for (BackupManifest m : backups) {
            String verified = m.verification() == null
                    ? "-"
                    : (m.verification().ok() ? "ok " : "FAILED ")
                            + m.verification().method();
            env.out()
                    .printf(
                            "%-29s  %-20s  %-20s  %10s  %-9s  %-10s  %s%s%n",
                            m.id(),
                            m.database(),
                            TIME.format(m.completedAt()),
                            Output.bytes(m.storedBytes()),
                            m.compression().codec(),
                            m.encryption() == null
                                    ? "no"
                                    : m.encryption().type() + " ("
                                            + m.encryption().recipients().size() + ")",
                            verified,
                            m.label() == null ? "" : " / " + m.label());
        }
        return 0;
    }

    /** One warning line (on stderr) naming the manifests a listing had to skip; nothing when there are none. */
    static void warnSkipped(CliEnvironment env, List<String> skipped) {
        if (!skipped.isEmpty()) {
            env.err()
                    .printf(
                            "Warning: skipped %d unreadable manifest(s) (damaged, of a newer pgkeep, or moved): %s%n",
                            skipped.size(), String.join(", ", skipped));
        }
    }
}
