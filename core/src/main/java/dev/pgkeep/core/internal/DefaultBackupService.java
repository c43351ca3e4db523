package dev.pgkeep.core.internal;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Work in progress. */
public final class DefaultBackupService implements BackupService {
    private final @Nullable DatabaseConnection database;

    public DefaultBackupService(
            @Nullable DatabaseConnection database,
            StorageAdapter storage,
            Encryptor encryptor,
            Codec codec,
            List<AuditSink> sinks,
            PgTools tools,
            BackupLock lock,
            Path tempDirectory,
            Clock clock) {
        this.database = database;
    }

    @Override
    public BackupResult backup(BackupRequest request) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public List<BackupManifest> list(@Nullable String database) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public Optional<BackupManifest> get(BackupId id) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public VerifyResult verify(VerifyRequest request) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, boolean dryRun) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void delete(BackupId id) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public Optional<DatabaseConnection> defaultDatabase() {
        return Optional.ofNullable(database);
    }
}
