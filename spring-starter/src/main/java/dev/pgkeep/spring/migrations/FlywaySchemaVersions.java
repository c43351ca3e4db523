package dev.pgkeep.spring.migrations;

import dev.pgkeep.core.BackupManifest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/** Flyway's schema history: the current version, the versions this code's migrations reach, what is pending. */
public final class FlywaySchemaVersions implements SchemaVersionSource {
    static final String TOOL = "flyway";

    private final Flyway flyway;

    public FlywaySchemaVersions(Flyway flyway) {
        this.flyway = flyway;
    }

    @Override
    public Optional<BackupManifest.SchemaVersion> current() {
        MigrationInfo current = flyway.info().current();
        if (current == null || current.getVersion() == null) {
            return Optional.empty();
        }
        return Optional.of(
                new BackupManifest.SchemaVersion(TOOL, current.getVersion().getVersion(), current.getDescription()));
    }

    /** Known when it is not newer than the newest migration this code holds (restoring it into older code is not). */
    @Override
    public boolean knows(BackupManifest.SchemaVersion version) {
        if (!TOOL.equals(version.tool())) {
            return true;
        }
        MigrationVersion newestHere = Arrays.stream(flyway.info().all())
                .filter(i -> i.getState().isResolved() && i.getVersion() != null)
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .orElse(MigrationVersion.EMPTY);
        return MigrationVersion.fromVersion(version.version()).compareTo(newestHere) <= 0;
    }

    @Override
    public List<String> pending() {
        return Arrays.stream(flyway.info().pending())
                .map(i -> i.getVersion() == null
                        ? i.getDescription()
                        : i.getVersion().getVersion())
                .toList();
    }
}
