package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.alert.WebhookNotifier;
import dev.pgkeep.core.audit.Slf4jJsonAuditSink;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
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
                .toolsDirectories(properties.getTools().folders())
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
            ObjectProvider<Encryptor> encryptor) {
        return new PgkeepStartupCheck(properties, databases, storage, encryptor.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock pgkeepClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    Slf4jJsonAuditSink pgkeepAuditLog() {
        return new Slf4jJsonAuditSink();
    }

    /** S3 repositories ({@code pgkeep.repository=s3://...}) when pgkeep-storage-s3 is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.storage.s3.S3StorageAdapter")
    static class S3RepositoryConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "pgkeepS3RepositoryStorageFactory")
        RepositoryStorageFactory pgkeepS3RepositoryStorageFactory(
                ObjectProvider<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider> credentials) {
            return new S3RepositoryStorageFactory(credentials.getIfUnique());
        }
    }

    /** OpenPGP encryption ({@code pgkeep.encryption.*}) when pgkeep-crypto-gpg is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.crypto.gpg.OpenPgpEncryptor")
    @Conditional(EncryptionConfiguredCondition.class)
    static class OpenPgpConfiguration {

        @Bean
        @ConditionalOnMissingBean
        Encryptor pgkeepEncryptor(PgkeepProperties properties) {
            return OpenPgpEncryptors.fromProperties(properties.getEncryption());
        }
    }

    /** Slack (or compatible webhook) alerts when {@code pgkeep.alerts.slack.webhook-url} is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.core.alert.WebhookNotifier")
    @ConditionalOnProperty(name = "pgkeep.alerts.slack.webhook-url")
    static class SlackAlertConfiguration {

        @Bean
        @ConditionalOnMissingBean
        WebhookNotifier pgkeepSlackNotifier(PgkeepProperties properties) {
            PgkeepProperties.Alerts.Slack slack = properties.getAlerts().getSlack();
            return WebhookNotifier.builder(String.valueOf(slack.getWebhookUrl()))
                    .onSuccess(slack.isOnSuccess())
                    .build();
        }
    }
}
