package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.alert.WebhookNotifier;
import dev.pgkeep.core.audit.Slf4jJsonAuditSink;
import dev.pgkeep.core.spi.ApplicationInfo;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.core.spi.ProcessRunner;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import dev.pgkeep.core.storage.StorageAdapters;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.PgkeepStartupException;
import dev.pgkeep.spring.health.BackupRunRecorder;
import dev.pgkeep.spring.migrations.HostApplicationInfo;
import dev.pgkeep.spring.migrations.SchemaVersionSource;
import dev.pgkeep.spring.schedule.RepositoryCopies;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
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
            PgkeepProperties properties,
            Environment environment,
            ObjectProvider<HostConnection> hostConnection,
            ObjectProvider<DataSource> dataSource) {
        return DatabaseResolution.resolve(
                properties, environment, hostConnection.getIfUnique(), dataSource.getIfUnique());
    }

    /** The host's {@code JdbcConnectionDetails}, when spring-boot-jdbc is on its classpath and it has one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
    static class JdbcConnectionDetailsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(type = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
        HostConnection pgkeepHostConnection(org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails details) {
            return new HostConnection() {
                @Override
                public String jdbcUrl() {
                    return details.getJdbcUrl();
                }

                @Override
                public @Nullable String username() {
                    return details.getUsername();
                }

                @Override
                public @Nullable String password() {
                    return details.getPassword();
                }
            };
        }
    }

    @Bean
    @ConditionalOnMissingBean
    StorageAdapter pgkeepStorage(PgkeepProperties properties, ConfigurableListableBeanFactory beans) {
        String repository = properties.getRepository();
        if (repository == null || repository.isBlank()) {
            throw new PgkeepStartupException(
                    "pgkeep.repository is not set: pgkeep has nowhere to store backups.",
                    "Give pgkeep.repository a folder (/var/backups/pgkeep), file:///path or s3://bucket/prefix, or"
                            + " set pgkeep.enabled=false.");
        }
        PgkeepProperties.S3 s3 = properties.getS3();
        return openRepository(repository, "pgkeep.repository", s3Settings(s3), beans);
    }

    /**
     * The S3 settings of {@code pgkeep.s3.*} that apply to the primary repository, under the {@code s3://} URI
     * parameters' names; a parameter in the URI wins over its property.
     */
    private static Map<String, String> s3Settings(PgkeepProperties.S3 s3) {
        Map<String, String> settings = new HashMap<>();
        if (s3.getEndpoint() != null) {
            settings.put("endpoint", s3.getEndpoint());
        }
        if (s3.getRegion() != null) {
            settings.put("region", s3.getRegion());
        }
        settings.put("path-style", String.valueOf(s3.isPathStyle()));
        putIfSet(settings, "sse", s3.getSse());
        putIfSet(settings, "kms-key-id", s3.getKmsKeyId());
        putIfSet(settings, "storage-class", s3.getStorageClass());
        putIfSet(settings, "profile", s3.getProfile());
        // sizes only when set: the adapter's defaults (and the memory model behind them) live in storage-s3
        if (s3.getPartSize() != null) {
            settings.put("part-size", String.valueOf(s3.getPartSize().toBytes()));
        }
        if (s3.getMemory() != null) {
            settings.put("memory", String.valueOf(s3.getMemory().toBytes()));
        }
        if (s3.getReadAhead() != null) {
            settings.put("read-ahead", String.valueOf(s3.getReadAhead()));
        }
        settings.put("max-attempts", String.valueOf(s3.getMaxAttempts()));
        return settings;
    }

    private static void putIfSet(Map<String, String> settings, String name, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            settings.put(name, value);
        }
    }

    private static StorageAdapter openRepository(
            String repository, String setting, Map<String, String> settings, ConfigurableListableBeanFactory beans) {
        StorageAdapterFactory.Context context = new StorageAdapterFactory.Context() {
            @Override
            public Optional<String> setting(String name) {
                return Optional.ofNullable(settings.get(name));
            }

            @Override
            public <T> Optional<T> component(Class<T> type) {
                // the host's own beans, e.g. its AwsCredentialsProvider
                return Optional.ofNullable(beans.getBeanProvider(type).getIfUnique());
            }
        };
        ClassLoader loader = beans.getBeanClassLoader() != null
                ? beans.getBeanClassLoader()
                : PgkeepAutoConfiguration.class.getClassLoader();
        try {
            return StorageAdapters.open(repository, context, loader);
        } catch (BadInputException e) {
            throw new PgkeepStartupException(
                    setting + ": " + e.getMessage(),
                    (settings.isEmpty() ? "Fix " + setting : "Fix " + setting + " or the pgkeep.s3.* property named")
                            + " (docs/spring-boot.md lists the repository forms and their parameters).",
                    e);
        }
    }

    /**
     * {@code pgkeep.copies[N]}: each a second repository opened from its URI alone (the {@code pgkeep.s3.*} settings
     * belong to the primary; a copy usually lives with another provider) and the host's beans (credentials).
     */
    @Bean
    @ConditionalOnMissingBean
    RepositoryCopies pgkeepCopies(
            PgkeepProperties properties,
            ConfigurableListableBeanFactory beans,
            ObjectProvider<AuditSink> auditSinks,
            StorageAdapter primary) {
        List<RepositoryCopies.Target> targets = new ArrayList<>();
        List<PgkeepProperties.Copy> copies = properties.getCopies();
        for (int i = 0; i < copies.size(); i++) {
            String setting = "pgkeep.copies[" + i + "].repository";
            String repository = copies.get(i).getRepository();
            if (repository == null || repository.isBlank()) {
                throw new PgkeepStartupException(
                        setting + " is not set: a copy needs a repository.",
                        "Give the second repository's folder or s3://bucket/prefix?endpoint=..., or remove"
                                + " pgkeep.copies[" + i + "].");
            }
            StorageAdapter storage = openRepository(repository, setting, Map.of(), beans);
            if (storage.describe().equals(primary.describe())) {
                throw new PgkeepStartupException(
                        setting + " is pgkeep.repository itself (" + storage.describe() + ").",
                        "Point " + setting + " at another repository, ideally on other hardware or with another"
                                + " provider.");
            }
            BackupServiceBuilder builder = BackupService.builder().storage(storage);
            auditSinks.orderedStream().forEach(builder::auditSink);
            PgkeepProperties.Retention retention = copies.get(i).getRetention();
            targets.add(new RepositoryCopies.Target(
                    storage, builder.build(), retention.isEnabled() ? retention.toPolicy() : null));
        }
        return new RepositoryCopies(targets);
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
            ObjectProvider<BackupLock> lock,
            ObjectProvider<ProcessRunner> processRunner,
            ObjectProvider<ApplicationInfo> applicationInfo,
            ObjectProvider<ManifestSigner> signer,
            ObjectProvider<ManifestVerifier> verifier,
            ObjectProvider<BackupServiceBuilderCustomizer> customizers) {
        BackupServiceBuilder builder = BackupService.builder()
                .database(databases.primary())
                .storage(storage)
                .codec(codec)
                .encryptor(encryptor.getIfAvailable(() -> Encryptor.NONE))
                .toolsDirectories(properties.getTools().folders())
                .tempDirectory(properties.getRestore().getTempDir())
                .incompleteWriteGracePeriod(properties.getRetention().getIncompleteWriteGracePeriod())
                .maxDecodedArchiveBytes(
                        properties.getRestore().getMaxDecodedSize().toBytes())
                .lockWaitTimeout(properties.getBackup().getLockWaitTimeout())
                .backupJobs(properties.getBackup().getJobs());
        PgkeepProperties.Signing signing = properties.getSigning();
        // fail closed: configured signing or trust that nothing implements would silently not protect anything
        if ((signing.getPrivateKey() != null && signer.getIfAvailable() == null)
                || (!signing.getTrustedKeys().isEmpty() && verifier.getIfAvailable() == null)) {
            throw new PgkeepStartupException(
                    "pgkeep.signing.* is set but pgkeep-crypto-gpg is not on the classpath; backups would not be"
                            + " signed or checked.",
                    "Add the dependency dev.pgkeep:pgkeep-crypto-gpg, or remove pgkeep.signing.*.");
        }
        builder.manifestSigner(signer.getIfAvailable()).manifestVerifier(verifier.getIfAvailable());
        auditSinks.orderedStream().forEach(builder::auditSink);
        applicationInfo.ifAvailable(builder::applicationInfo);
        lock.ifAvailable(builder::lock);
        // a host may run the PostgreSQL tools its own way (in a container, over SSH): DESIGN promises it can
        processRunner.ifAvailable(builder::processRunner);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        try {
            return builder.build();
        } catch (PgkeepException e) {
            if (e.remedy() == PgkeepException.Remedy.TOOLS) {
                throw new PgkeepStartupException(
                        e.getMessage(),
                        "Set pgkeep.tools.bin-dir to the folders holding pg_dump, pg_restore and psql (several"
                                + " separated by ':').",
                        e);
            }
            throw e;
        }
    }

    @Bean
    @ConditionalOnMissingBean
    PgkeepStartupCheck pgkeepStartupCheck(
            PgkeepProperties properties,
            PgkeepDatabases databases,
            StorageAdapter storage,
            ObjectProvider<Encryptor> encryptor,
            ObjectProvider<ProcessRunner> processRunner) {
        return new PgkeepStartupCheck(
                properties,
                databases,
                storage,
                encryptor.getIfAvailable(),
                processRunner.getIfAvailable(ProcessRunner::local));
    }

    /**
     * The application in every manifest: {@code spring.application.name}, the build version when the host has build
     * info, and the primary database's schema version from its Flyway or Liquibase ({@link SchemaVersionSource} beans,
     * read lazily: they may be created after pgkeep).
     */
    @Bean
    @ConditionalOnMissingBean
    ApplicationInfo pgkeepApplicationInfo(
            Environment environment,
            ObjectProvider<BuildProperties> build,
            PgkeepDatabases databases,
            ObjectProvider<SchemaVersionSource> sources) {
        BuildProperties info = build.getIfAvailable();
        return new HostApplicationInfo(
                environment.getProperty("spring.application.name"),
                info == null ? null : info.getVersion(),
                databases.primary().database(),
                () -> sources.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock pgkeepClock() {
        return Clock.systemUTC();
    }

    /**
     * The audit log: the JSON line as the message, or under Boot's structured logging
     * ({@code logging.structured.format.console} or {@code .file} set) a short message with the fields as key-value
     * pairs. A host bean of this type decides otherwise.
     */
    @Bean
    @ConditionalOnMissingBean
    Slf4jJsonAuditSink pgkeepAuditLog(Environment environment) {
        // under Boot's structured logging the JSON line would end up as a string inside "message": give the fields
        // as key-value pairs, which the ECS/Logstash/GELF formats write as top-level keys
        boolean structured = environment.containsProperty("logging.structured.format.console")
                || environment.containsProperty("logging.structured.format.file");
        return new Slf4jJsonAuditSink(
                structured ? Slf4jJsonAuditSink.Form.KEY_VALUES : Slf4jJsonAuditSink.Form.JSON_MESSAGE);
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

    /** Signed backups ({@code pgkeep.signing.*}) when pgkeep-crypto-gpg is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.pgkeep.crypto.gpg.OpenPgpManifestSigner")
    static class OpenPgpSigningConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnProperty(name = "pgkeep.signing.private-key")
        ManifestSigner pgkeepManifestSigner(PgkeepProperties properties) {
            return OpenPgpSignatures.signer(properties.getSigning());
        }

        @Bean
        @ConditionalOnMissingBean
        @Conditional(TrustedKeysConfiguredCondition.class)
        ManifestVerifier pgkeepManifestVerifier(PgkeepProperties properties) {
            return OpenPgpSignatures.verifier(properties.getSigning());
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
