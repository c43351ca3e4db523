package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.PgkeepStartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Fails the application's start with a message saying what to fix when pgkeep's configuration cannot work: pg_dump
 * missing or older than a server, a database unreachable, the repository not writable, encryption keys configured
 * without the OpenPGP module. Off with {@code pgkeep.fail-fast=false}.
 */
public final class PgkeepStartupCheck implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(PgkeepStartupCheck.class);

    private final PgkeepProperties properties;
    private final PgkeepDatabases databases;
    private final StorageAdapter storage;
    private final @Nullable Encryptor encryptor;
    private final ProcessRunner processRunner;
    private final @Nullable String container;

    public PgkeepStartupCheck(
            PgkeepProperties properties,
            PgkeepDatabases databases,
            StorageAdapter storage,
            @Nullable Encryptor encryptor,
            ProcessRunner processRunner) {
        this(properties, databases, storage, encryptor, processRunner, ContainerEnvironment.current());
    }

    /** @param container the container the application runs in ({@link ContainerEnvironment}), or null */
    PgkeepStartupCheck(
            PgkeepProperties properties,
            PgkeepDatabases databases,
            StorageAdapter storage,
            @Nullable Encryptor encryptor,
            ProcessRunner processRunner,
            @Nullable String container) {
        this.container = container;
        this.properties = properties;
        this.databases = databases;
        this.storage = storage;
        this.encryptor = encryptor;
        this.processRunner = processRunner;
    }

    @Override
    public void afterPropertiesSet() {
        if (!properties.isFailFast()) {
            return;
        }
        if (!properties.getEncryption().getPublicKeys().isEmpty() && encryptor == null) {
            throw new PgkeepStartupException(
                    "pgkeep.encryption.public-keys is set but pgkeep-crypto-gpg is not on the classpath; backups"
                            + " would not be encrypted.",
                    "Add the dependency dev.pgkeep:pgkeep-crypto-gpg, or remove pgkeep.encryption.public-keys.");
        }
        List<Path> folders = properties.getTools().folders();
        PostgresTools found = PostgresTools.discover(folders, processRunner, null);
        if (found.installations().isEmpty()) {
            throw noTools(found.problem(), container);
        }
        for (DatabaseConnection db : databases.all()) {
            checkTools(PostgresTools.discover(folders, processRunner, db), db);
        }
        checkRepositoryWritable();
        log.info("pgkeep ready: {} -> {}", databases, storage.describe());
    }

    static PgkeepStartupException noTools(@Nullable String problem, @Nullable String container) {
        String description = "pgkeep finds no pg_dump: " + problem
                + " (pgkeep.tools.bin-dir, else PGKEEP_PG_BIN, else the standard places).";
        if (container == null) {
            return new PgkeepStartupException(
                    description,
                    "Install the PostgreSQL client tools (e.g. the package postgresql-client-17) and point"
                            + " pgkeep.tools.bin-dir at them, or set pgkeep.fail-fast=false.");
        }
        return new PgkeepStartupException(
                description + " The application runs in " + container + " whose image has no PostgreSQL client"
                        + " tools (Buildpack and Jib images have none).",
                "Build the image on a base that installs postgresql-client-NN (NN at least the server's major), or"
                        + " define a ProcessRunner bean that runs pg_dump/pg_restore/psql elsewhere (a sidecar"
                        + " container, kubectl exec); see 'Containers' in docs/spring-boot.md. Or set"
                        + " pgkeep.fail-fast=false.");
    }

    private static void checkTools(PostgresTools tools, DatabaseConnection db) {
        if (tools.problem() == null) {
            return;
        }
        if (tools.serverVersion() == null) {
            throw new PgkeepStartupException(
                    "pgkeep cannot reach database " + db.describe() + " with psql: " + tools.problem(),
                    "Check the database settings and that the PostgreSQL client tools are installed"
                            + " (pgkeep.tools.bin-dir), or set pgkeep.fail-fast=false.");
        }
        throw new PgkeepStartupException(
                "pgkeep cannot back up " + db.describe() + ": " + tools.problem(),
                "Install PostgreSQL client tools at least as new as the server and point pgkeep.tools.bin-dir at"
                        + " them, or set pgkeep.fail-fast=false.");
    }

    private void checkRepositoryWritable() {
        if (storage instanceof LocalStorageAdapter local) {
            try {
                local.ensureWritable();
                return;
            } catch (PgkeepException e) {
                throw new PgkeepStartupException(
                        "pgkeep.repository: " + e.getMessage(),
                        "Fix pgkeep.repository or the folder's permissions for the application's user.",
                        e);
            }
        }
        String probe = ".pgkeep-write-check/" + UUID.randomUUID();
        try (StorageAdapter.PendingObject object = storage.create(probe)) {
            object.output().write("pgkeep".getBytes(StandardCharsets.UTF_8));
            object.commit();
            storage.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new PgkeepStartupException(
                    "pgkeep's repository " + storage.describe() + " is not writable: " + e.getMessage(),
                    "Fix pgkeep.repository or its permissions.",
                    e);
        }
    }
}
