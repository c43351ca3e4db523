package dev.pgkeep.core.internal;

import dev.pgkeep.core.BackupContents;
import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.ServerRestoreRequest;
import dev.pgkeep.core.ServerRestoreResult;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.VerifyResult;
import dev.pgkeep.core.internal.archive.ArchiveStaging;
import dev.pgkeep.core.internal.command.BackupCommand;
import dev.pgkeep.core.internal.command.CommandContext;
import dev.pgkeep.core.internal.command.CopyCommand;
import dev.pgkeep.core.internal.command.DeleteCommand;
import dev.pgkeep.core.internal.command.PruneCommand;
import dev.pgkeep.core.internal.command.RestoreCommand;
import dev.pgkeep.core.internal.command.ServerCommand;
import dev.pgkeep.core.internal.command.VerifyCommand;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.TargetDatabases;
import dev.pgkeep.core.internal.repository.Catalog;
import dev.pgkeep.core.internal.repository.ManifestSignatures;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link BackupService}: a facade over one command per verb ({@code internal.command}), which share the
 * repository catalog, the PostgreSQL tools, archive staging and the audit events.
 */
public final class DefaultBackupService implements BackupService {
    private final CommandContext context;
    private final BackupCommand backup;
    private final RestoreCommand restore;
    private final VerifyCommand verify;
    private final PruneCommand prune;
    private final CopyCommand copy;
    private final ServerCommand server;
    private final DeleteCommand delete;

    public DefaultBackupService(
            @Nullable DatabaseConnection database,
            StorageAdapter storage,
            Encryptor encryptor,
            Codec codec,
            List<AuditSink> sinks,
            PgTools tools,
            BackupLock lock,
            Path tempDirectory,
            Clock clock,
            Duration incompleteWriteGrace,
            long maxDecodedArchiveBytes,
            ApplicationInfo applicationInfo,
            Duration lockWaitTimeout,
            @Nullable ManifestSigner signer,
            @Nullable ManifestVerifier verifier,
            List<String> excludedSchemas,
            int backupJobs) {
        this.context = new CommandContext(
                database,
                storage,
                encryptor,
                codec,
                tools,
                lock,
                clock,
                new Catalog(storage, clock, incompleteWriteGrace, database == null ? null : database.database()),
                new ManifestSignatures(storage, signer, verifier),
                new ArchiveStaging(storage, encryptor, tools, tempDirectory, maxDecodedArchiveBytes),
                new TargetDatabases(tools),
                new OperationEvents(sinks, clock),
                applicationInfo,
                lockWaitTimeout,
                List.copyOf(excludedSchemas),
                backupJobs,
                tempDirectory);
        this.backup = new BackupCommand(context);
        this.restore = new RestoreCommand(context, backup);
        this.verify = new VerifyCommand(context);
        this.prune = new PruneCommand(context);
        this.copy = new CopyCommand(context);
        this.server = new ServerCommand(context, backup, restore);
        this.delete = new DeleteCommand(context);
    }

    @Override
    public BackupResult backup(BackupRequest request) {
        return backup.run(request);
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
        return restore.run(request);
    }

    @Override
    public BackupListing listing(@Nullable String database) {
        return context.catalog().listing(database);
    }

    @Override
    public Optional<BackupManifest> get(BackupId id) {
        return context.catalog().get(id);
    }

    @Override
    public VerifyResult verify(VerifyRequest request) {
        return verify.run(request);
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, boolean dryRun, Trigger trigger, @Nullable String actor) {
        return prune.run(policy, dryRun, trigger, actor);
    }

    @Override
    public void delete(BackupId id, Trigger trigger, @Nullable String actor, @Nullable String clientAddress) {
        delete.run(id, trigger, actor, clientAddress);
    }

    @Override
    public BackupContents contents(RestoreSource source) {
        return restore.contents(source);
    }

    @Override
    public BackupSet backupAll(
            DatabaseConnection database, boolean withRolePasswords, Trigger trigger, @Nullable String actor) {
        return server.backupAll(database, withRolePasswords, trigger, actor);
    }

    @Override
    public List<BackupSet> sets() {
        return server.sets();
    }

    @Override
    public ServerRestoreResult restoreAll(ServerRestoreRequest request) {
        return server.restoreAll(request);
    }

    @Override
    public CopyResult copy(CopyRequest request) {
        return copy.run(request);
    }

    @Override
    public Optional<DatabaseConnection> defaultDatabase() {
        return Optional.ofNullable(context.defaultDatabase());
    }

    @Override
    public PostgresTools tools(@Nullable DatabaseConnection server) {
        return context.tools().report(server);
    }

    public StorageAdapter storage() {
        return context.storage();
    }
}
