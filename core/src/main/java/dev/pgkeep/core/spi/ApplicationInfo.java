package dev.pgkeep.core.spi;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.DatabaseConnection;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the host application knows about itself and its database's schema: recorded in every backup's manifest
 * ({@code application}) and consulted before a restore. pgkeep lives inside the application that owns the database,
 * so it can tie each backup to the code and the migrations that wrote it. The Spring Boot starter implements it from
 * build info, Flyway and Liquibase; the default knows nothing.
 */
public interface ApplicationInfo {
    /** Knows nothing: manifests carry no {@code application}. */
    ApplicationInfo NONE = new ApplicationInfo() {};

    /** The application's name, if known. */
    default @Nullable String name() {
        return null;
    }

    /** The application's build version, if known. */
    default @Nullable String version() {
        return null;
    }

    /** The schema version {@code database} is at now; called as a backup starts. Failures are logged, not fatal. */
    default Optional<BackupManifest.SchemaVersion> schemaVersion(DatabaseConnection database) {
        return Optional.empty();
    }

    /**
     * Whether this application's migrations know {@code version}; {@code false} when the backup was taken at a schema
     * newer code wrote (restoring it under this code may break it). {@code true} when it cannot tell.
     */
    default boolean knowsSchemaVersion(BackupManifest.SchemaVersion version) {
        return true;
    }
}
