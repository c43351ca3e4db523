package dev.pgkeep.cli;

import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.spi.Encryptor;
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
        List<BackupSet> sets = database == null ? service.sets() : List.of();
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("backups", backups);
            json.put("sets", sets);
            json.put("skippedManifests", listing.skipped());
            env.out().println(Output.json(json));
            return 0;
        }
        warnSkipped(env, listing.skipped());
        printSets(sets);
        if (backups.isEmpty()) {
            env.out().println("No backups" + (database != null ? " of " + database : "") + ".");
            return 0;
        }
        Table table = new Table("ID", "DATABASE", "COMPLETED", "SIZE", "CODEC", "ENCRYPTED", "VERIFIED", "LABEL")
                .alignRight(3);
        for (BackupManifest m : backups) {
            table.row(
                    m.id().value(),
                    m.database(),
                    Output.time(m.completedAt(), env.zone()),
                    Output.bytes(m.storedBytes()),
                    m.compression().codec(),
                    m.encryption() == null
                            ? "no"
                            : m.encryption().type() + " ("
                                    + m.encryption().recipients().size() + ")",
                    m.verification() == null
                            ? "-"
                            : (m.verification().ok() ? "ok " : "FAILED ")
                                    + m.verification().method(),
                    m.label() == null ? "" : m.label());
        }
        table.print(env.out());
        return 0;
    }

    /** Whole-server backups first: each names its databases' backups, which the table below lists. */
    private void printSets(List<BackupSet> sets) {
        if (sets.isEmpty()) {
            return;
        }
        Table table = new Table("SET", "COMPLETED", "DATABASES", "COMPLETE", "ROLE PASSWORDS");
        for (BackupSet set : sets) {
            table.row(
                    set.id(),
                    Output.time(set.completedAt(), env.zone()),
                    String.join(
                            ", ",
                            set.databases().stream()
                                    .map(p -> p.ok() ? p.database() : p.database() + " (failed)")
                                    .toList()),
                    set.complete() ? "yes" : "NO",
                    set.globals().rolePasswords() ? "yes" : "no");
        }
        table.print(env.out());
        env.out().println();
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
