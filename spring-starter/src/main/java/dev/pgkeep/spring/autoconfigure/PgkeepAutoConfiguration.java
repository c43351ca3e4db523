package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.spring.health.BackupRunRecorder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires a {@link BackupService} from {@code pgkeep.*}: the databases (defaulting to the host's DataSource), the
 * repository, compression, encryption and audit sinks. Every bean can be replaced by one of the host's own.
 * Optional adapters (S3, OpenPGP, Slack) are wired by nested configurations only when their classes are present.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(BackupService.class)
@ConditionalOnBooleanProperty(name = "pgkeep.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PgkeepProperties.class)
public final class PgkeepAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PgkeepDatabases pgkeepDatabases(
            PgkeepProperties properties, Environment environment, ObjectProvider<DataSource> dataSource) {
        return PgkeepDatabases.resolve(properties, environment, dataSource.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean
    StorageAdapter pgkeepStorage(PgkeepProperties properties, ObjectProvider<RepositoryStorageFactory> factories) {
        String repository = properties.getRepository();
        if (repository == null || repository.isBlank()) {
            throw new IllegalStateException("pgkeep.repository is not set: give a folder (/var/backups/pgkeep),"
                    + " file:///path or s3://bucket/prefix, or set pgkeep.enabled=false.");
        }
        for (RepositoryStorageFactory factory : factories.orderedStream().toList()) {
            if (factory.supports(repository)) {
                return factory.create(repository, properties);
            }
        }
        if (repository.startsWith("s3://")) {
            throw new IllegalStateException("pgkeep.repository is an s3:// URI but pgkeep-storage-s3 is not on the"
                    + " classpath; add the dependency dev.pgkeep:pgkeep-storage-s3.");
        }
        if (repository.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*") && !repository.startsWith("file:")) {
            throw new IllegalStateException("pgkeep.repository '" + repository.replaceAll("//[^/@]*@", "//***@")
                    + "' has a scheme pgkeep does not know; use a folder, file:///path or s3://bucket/prefix.");
        }
        Path path = repository.startsWith("file:") ? Path.of(URI.create(repository)) : Path.of(repository);
        return new LocalStorageAdapter(path);
    }

    @Bean
    @ConditionalOnMissingBean
    Codec pgkeepCodec(PgkeepProperties properties) {
        return Codec.of(
                properties.getCompression().getCodec(),
                properties.getCompression().getLevel());
    }

    @Bean
    @ConditionalOnMissingBean
    BackupRunRecorder pgkeepBackupRunRecorder() {
        return new BackupRunRecorder();
    }

    @Bean
    @ConditionalOnMissingBean
    BackupService pgkeepBackupService(
            PgkeepProperties properties,
            PgkeepDatabases databases,
            StorageAdapter storage,
            Codec codec,
            ObjectProvider<Encryptor> encryptor,
            ObjectProvider<AuditSink> auditSinks,
            ObjectProvider<BackupLock> lock) {
        BackupServiceBuilder builder = BackupService.builder()
                .database(databases.primary())
                .storage(storage)
                .codec(codec)
                .encryptor(encryptor.getIfAvailable(() -> Encryptor.NONE))
                .toolsDirectory(properties.getTools().getBinDir())
                .tempDirectory(properties.getRestore().getTempDir())
                .maxDecodedArchiveBytes(
                        properties.getRestore().getMaxDecodedSize().toBytes());
        auditSinks.orderedStream().forEach(builder::auditSink);
        lock.ifAvailable(builder::lock);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    PgkeepStartupCheck pgkeepStartupCheck(
            PgkeepProperties properties,
            PgkeepDatabases databases,
            StorageAdapter storage,
            ObjectProvider<Encryptor> encryptor,
            BackupService service) {
        return new PgkeepStartupCheck(properties, databases, storage, encryptor.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock pgkeepClock() {
        return Clock.systemUTC();
    }

    /** S3 repositories ({@code pgkeep.repository=s3://...}) when pgkeep-storage-s3 is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.storage.s3.S3StorageAdapter")
    static class S3RepositoryConfiguration {
        // TODO(storage-s3 merge): provide a RepositoryStorageFactory for s3:// built on S3StorageAdapter.
    }

    /** OpenPGP encryption ({@code pgkeep.encryption.public-keys}) when pgkeep-crypto-gpg is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.crypto.gpg.OpenPgpEncryptor")
    static class OpenPgpConfiguration {
        // TODO(crypto-gpg merge): provide an Encryptor bean built with OpenPgpEncryptor.builder().
    }
}
