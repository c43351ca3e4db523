package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.internal.archive.ArchiveStaging;
import dev.pgkeep.core.internal.events.OperationEvents;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.TargetDatabases;
import dev.pgkeep.core.internal.repository.Catalog;
import dev.pgkeep.core.internal.repository.ManifestSignatures;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What every command works with; built once per {@code BackupService}. */
public record CommandContext(
        @Nullable DatabaseConnection defaultDatabase,
        StorageAdapter storage,
        Encryptor encryptor,
        Codec codec,
        PgTools tools,
        BackupLock lock,
        Clock clock,
        Catalog catalog,
        ManifestSignatures signatures,
        ArchiveStaging staging,
        TargetDatabases targets,
        OperationEvents events,
        ApplicationInfo application,
        Duration lockWaitTimeout,
        List<String> excludedSchemas,
        int backupJobs,
        java.nio.file.Path tempDirectory) {}
