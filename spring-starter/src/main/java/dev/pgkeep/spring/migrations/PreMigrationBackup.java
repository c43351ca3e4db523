package dev.pgkeep.spring.migrations;

import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.ApplicationInfo;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pgkeep.migrations.backup-before-migrate}: a backup of the migrated database, labelled
 * {@code pre-migrate-<target version>}, just before the host's pending migrations run. Nothing pending, or a database
 * no migration ever touched, needs no backup. A failed backup stops the migration, and so the start: the operator
 * asked not to migrate without one.
 */
public final class PreMigrationBackup {
    private static final Logger log = LoggerFactory.getLogger(PreMigrationBackup.class);

    private final BackupService service;
    private final DatabaseConnection database;
    private final ApplicationInfo application;

    public PreMigrationBackup(BackupService service, DatabaseConnection database, ApplicationInfo application) {
        this.service = service;
        this.database = database;
        this.application = application;
    }

    /** Backs up when {@code source} has pending migrations over an already migrated schema. */
    public Optional<BackupResult> beforeMigrate(SchemaVersionSource source) {
        List<String> pending = source.pending();
        if (pending.isEmpty()) {
            log.debug("pgkeep: no pending migrations for {}, no pre-migrate backup", database.database());
            return Optional.empty();
        }
        if (source.current().isEmpty()) {
            log.info("pgkeep: {} has no migrated schema yet, no pre-migrate backup", database.database());
            return Optional.empty();
        }
        String target = pending.get(pending.size() - 1);
        try {
            BackupRequest request =
                    BackupRequest.of(database, Trigger.MIGRATION).withLabel("pre-migrate-" + target);
            BackupResult result = application instanceof HostApplicationInfo host
                    ? host.whileMigrating(source, () -> service.backup(request))
                    : service.backup(request);
            log.info(
                    "pgkeep backed up {} as {} before {} pending migration(s) up to {}",
                    database.database(),
                    result.id(),
                    pending.size(),
                    target);
            return Optional.of(result);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "pgkeep.migrations.backup-before-migrate is on and the backup of " + database.database()
                            + " before migrating to " + target + " failed, so the migrations did not run: "
                            + e.getMessage(),
                    e);
        }
    }
}
