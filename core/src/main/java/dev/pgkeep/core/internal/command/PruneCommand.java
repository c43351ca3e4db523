package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.RetentionRule;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.repository.RetentionPlan;
import dev.pgkeep.core.spi.BackupEvent.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@code prune}: the retention plan per database, then (unless a dry run) deletions and leftovers of dead writes. */
public final class PruneCommand {
    private final CommandContext c;

    public PruneCommand(CommandContext context) {
        this.c = context;
    }

    public PruneResult run(RetentionPolicy policy, boolean dryRun, Trigger trigger, @Nullable String actor) {
        OperationEvents.Run run = c.events().of(Operation.PRUNE, null, trigger, actor, null);
        return run.around(() -> {
            Map<String, List<BackupManifest>> byDatabase = new LinkedHashMap<>();
            BackupListing listing = c.catalog().listing(null);
            for (BackupManifest m : listing.backups()) {
                byDatabase.computeIfAbsent(m.database(), k -> new ArrayList<>()).add(m);
            }
            Instant now = c.clock().instant();
            List<BackupManifest> deleted = new ArrayList<>();
            List<BackupManifest> kept = new ArrayList<>();
            Map<BackupId, Set<RetentionRule>> keptBy = new LinkedHashMap<>();
            for (List<BackupManifest> backups : byDatabase.values()) {
                RetentionPlan.decide(backups, policy, now).forEach((m, rules) -> {
                    if (rules.isEmpty()) {
                        deleted.add(m);
                    } else {
                        kept.add(m);
                        keptBy.put(m.id(), rules);
                    }
                });
            }
            int incomplete = 0;
            if (!dryRun) {
                for (BackupManifest m : deleted) {
                    c.catalog().delete(m);
                }
                incomplete = c.catalog().removeIncompleteWrites() + c.catalog().removeOrphans();
            }
            run.count = deleted.size();
            return new PruneResult(dryRun, deleted, kept, keptBy, incomplete, listing.skipped());
        });
    }
}
