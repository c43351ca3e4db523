package dev.pgkeep.spring.migrations;

import dev.pgkeep.core.BackupManifest;
import java.util.List;
import java.util.Optional;

/** One migration tool's view of the host's database: where it is, what this code knows, what is pending. */
public interface SchemaVersionSource {
    /** The version the database is at now. */
    Optional<BackupManifest.SchemaVersion> current();

    /** Whether this application's migrations know {@code version} (same tool); {@code true} for another tool's. */
    boolean knows(BackupManifest.SchemaVersion version);

    /** The migrations this code would apply now, oldest first (Flyway versions, Liquibase changeset ids). */
    List<String> pending();
}
