package dev.pgkeep.spring.migrations;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.spi.ApplicationInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The host application as pgkeep records it in manifests: {@code spring.application.name}, the build version (Boot's
 * {@code BuildProperties}) and, for the database the host migrates (the primary), the schema version its Flyway or
 * Liquibase reports. Other databases pgkeep backs up get no schema version: the host's migrations are not theirs.
 */
public final class HostApplicationInfo implements ApplicationInfo {
    private final @Nullable String name;
    private final @Nullable String version;
    private final String migratedDatabase;
    private final Supplier<List<SchemaVersionSource>> sources;
    private volatile @Nullable SchemaVersionSource migrating;

    public HostApplicationInfo(
            @Nullable String name,
            @Nullable String version,
            String migratedDatabase,
            Supplier<List<SchemaVersionSource>> sources) {
        this.name = name;
        this.version = version;
        this.migratedDatabase = migratedDatabase;
        this.sources = sources;
    }

    @Override
    public @Nullable String name() {
        return name;
    }

    @Override
    public @Nullable String version() {
        return version;
    }

    @Override
    public Optional<BackupManifest.SchemaVersion> schemaVersion(DatabaseConnection database) {
        if (!database.database().equals(migratedDatabase)) {
            return Optional.empty();
        }
        SchemaVersionSource during = migrating;
        for (SchemaVersionSource source : during != null ? List.of(during) : sources.get()) {
            Optional<BackupManifest.SchemaVersion> current = source.current();
            if (current.isPresent()) {
                return current;
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code backup} with {@code source} as the schema's authority: before migrations the tool's own beans may
     * still be in creation (Liquibase migrates while its bean initializes), so they cannot be looked up.
     */
    public <T> T whileMigrating(SchemaVersionSource source, Supplier<T> backup) {
        migrating = source;
        try {
            return backup.get();
        } finally {
            migrating = null;
        }
    }

    @Override
    public boolean knowsSchemaVersion(BackupManifest.SchemaVersion schemaVersion) {
        return sources.get().stream().allMatch(s -> s.knows(schemaVersion));
    }
}
