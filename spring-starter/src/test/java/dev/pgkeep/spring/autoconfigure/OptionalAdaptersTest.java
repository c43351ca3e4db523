package dev.pgkeep.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.alert.WebhookNotifier;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.metrics.micrometer.PgkeepMetrics;
import dev.pgkeep.spring.PgkeepDatabases;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.storage.s3.S3StorageAdapter;
import dev.pgkeep.storage.s3.S3StorageOptions;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.s3.S3TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3, OpenPGP, Micrometer and Slack adapters are wired when present, with real servers and keys. */
class OptionalAdaptersTest {
    static String database;

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_adapters");
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(PgkeepAutoConfiguration.class, PgkeepMetricsAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(database))
                .withPropertyValues("pgkeep.repository=" + dir.resolve("repo"), "pgkeep.fail-fast=true");
    }

    @Test
    void s3RepositoryWithTheHostsCredentialsProvider() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("backups");
            runner().withPropertyValues(
                            "pgkeep.repository=s3://backups/app?path-style=true&region=" + S3TestServer.REGION,
                            "pgkeep.s3.endpoint=" + s3.endpoint())
                    .withBean(
                            AwsCredentialsProvider.class,
                            () -> StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(StorageAdapter.class)).isInstanceOf(S3StorageAdapter.class);
                        BackupService service = context.getBean(BackupService.class);
                        String id = service.backup(BackupRequest.of(Trigger.TEST))
                                .id()
                                .value();
                        assertThat(service.list(database))
                                .extracting(m -> m.id().value())
                                .containsExactly(id);
                    });
            runner().withPropertyValues(
                            "pgkeep.repository=s3://no-such-bucket/app?path-style=true&region=" + S3TestServer.REGION,
                            "pgkeep.s3.endpoint=" + s3.endpoint())
                    .withBean(
                            AwsCredentialsProvider.class,
                            () -> StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                    .run(context -> assertThat(context)
                            .getFailure()
                            .hasStackTraceContaining("no-such-bucket")
                            .hasMessageNotContaining(s3.secretKey()));
        }
    }

    @Test
    void typedS3PropertiesReachTheStoredObjectsAndAUriParameterWins() throws Exception {
        // s3proxy does not implement SSE headers: it must accept (ignore) them
        try (S3TestServer s3 = S3TestServer.builder().ignoreUnknownHeaders(true).start();
                S3Client client = S3Client.builder()
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .endpointOverride(s3.endpoint())
                        .region(Region.of(S3TestServer.REGION))
                        .forcePathStyle(true)
                        .credentialsProvider(credentials(s3))
                        .build()) {
            s3.createBucket("typed");
            runner().withPropertyValues(
                            "pgkeep.repository=s3://typed/app",
                            "pgkeep.s3.endpoint=" + s3.endpoint(),
                            "pgkeep.s3.region=" + S3TestServer.REGION,
                            "pgkeep.s3.path-style=true",
                            "pgkeep.s3.storage-class=STANDARD_IA",
                            "pgkeep.s3.sse=aws:kms",
                            "pgkeep.s3.kms-key-id=arn:aws:kms:eu-west-1:111122223333:key/test",
                            "pgkeep.s3.part-size=5MB",
                            "pgkeep.s3.memory=20MB",
                            "pgkeep.s3.read-ahead=2",
                            "pgkeep.s3.max-attempts=2")
                    .withBean(AwsCredentialsProvider.class, () -> credentials(s3))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        S3StorageOptions options = ((S3StorageAdapter) context.getBean(StorageAdapter.class)).options();
                        assertThat(options.storageClass()).isEqualTo("STANDARD_IA");
                        assertThat(options.serverSideEncryption()).isEqualTo("aws:kms");
                        assertThat(options.kmsKeyId()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/test");
                        assertThat(options.partSize()).isEqualTo(5L * 1024 * 1024);
                        assertThat(options.memory()).isEqualTo(20L * 1024 * 1024);
                        assertThat(options.readAhead()).isEqualTo(2);
                        assertThat(options.maxAttempts()).isEqualTo(2);
                        BackupManifest backup = context.getBean(BackupService.class)
                                .backup(BackupRequest.of(Trigger.TEST))
                                .manifest();
                        // the stored dump, as the S3 server reports it
                        String dumpKey = "app/" + database + "/" + backup.id().value() + "/" + backup.dumpObject();
                        assertThat(client.headObject(b -> b.bucket("typed").key(dumpKey))
                                        .storageClassAsString())
                                .isEqualTo("STANDARD_IA");
                    });
            // the URI is the complete description: its parameter wins over the property
            runner().withPropertyValues(
                            "pgkeep.repository=s3://typed/uri?storage-class=standard&max-attempts=3",
                            "pgkeep.s3.endpoint=" + s3.endpoint(),
                            "pgkeep.s3.region=" + S3TestServer.REGION,
                            "pgkeep.s3.path-style=true",
                            "pgkeep.s3.storage-class=STANDARD_IA",
                            "pgkeep.s3.max-attempts=7")
                    .withBean(AwsCredentialsProvider.class, () -> credentials(s3))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        S3StorageOptions options = ((S3StorageAdapter) context.getBean(StorageAdapter.class)).options();
                        assertThat(options.storageClass()).isEqualTo("STANDARD");
                        assertThat(options.maxAttempts()).isEqualTo(3);
                        // sizes left unset are the adapter's own defaults, not a copy of them in the starter
                        S3StorageOptions defaults = S3StorageOptions.fromUri("s3://typed/uri");
                        assertThat(options.partSize()).isEqualTo(defaults.partSize());
                        assertThat(options.memory()).isEqualTo(defaults.memory());
                        assertThat(options.readAhead()).isEqualTo(defaults.readAhead());
                    });
            // a bad property value stops the start naming the setting
            runner().withPropertyValues(
                            "pgkeep.repository=s3://typed/app",
                            "pgkeep.s3.endpoint=" + s3.endpoint(),
                            "pgkeep.s3.sse=rot13")
                    .withBean(AwsCredentialsProvider.class, () -> credentials(s3))
                    .run(context -> assertThat(context)
                            .getFailure()
                            .hasMessageContaining("S3 setting sse: Unknown S3 server-side encryption 'rot13'"));
        }
    }

    private static AwsCredentialsProvider credentials(S3TestServer s3) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
    }

    @Test
    void openPgpEncryptsBackupsToTheConfiguredKeysAndRestoresThem() throws Exception {
        OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                .ed25519x25519Key("ops <ops@pgkeep.test>")
                .build("correct horse".toCharArray());
        Path pub = Files.writeString(
                dir.resolve("ops.pub.asc"), key.toCertificate().toAsciiArmoredString());
        Path sec = Files.writeString(dir.resolve("ops.sec.asc"), key.toAsciiArmoredString());
        runner().withPropertyValues(
                        "pgkeep.encryption.public-keys=file:" + pub,
                        "pgkeep.encryption.secret-key=file:" + sec,
                        "pgkeep.encryption.passphrase=correct horse")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(Encryptor.class);
                    BackupService service = context.getBean(BackupService.class);
                    BackupManifest manifest =
                            service.backup(BackupRequest.of(Trigger.TEST)).manifest();
                    assertThat(manifest.encrypted()).isTrue();
                    assertThat(manifest.encryption().type()).isEqualTo("openpgp");

                    PostgresServer pg = TestDatabases.server();
                    String target = PostgresServer.uniqueDatabaseName("starter_pgp_restore");
                    service.restore(RestoreRequest.builder(
                                    RestoreSource.byId(manifest.id().value()), pg.connection(target))
                            .createDatabase(true)
                            .build());
                    assertThat(DatabaseFingerprint.of(pg, target).diff(DatabaseFingerprint.of(pg, database)))
                            .isEmpty();
                });
    }

    @Test
    void signingPropertiesSignEveryBackupAndTrustedKeysRefuseOthers() throws Exception {
        OpenPGPKey host = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                .ed25519x25519Key("host <host@pgkeep.test>")
                .build("sign pass".toCharArray());
        OpenPGPKey other = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                .ed25519x25519Key("other <other@pgkeep.test>")
                .build(null);
        Path hostSec = Files.writeString(dir.resolve("host.sec.asc"), host.toAsciiArmoredString());
        Path hostPub = Files.writeString(
                dir.resolve("host.pub.asc"), host.toCertificate().toAsciiArmoredString());
        Path otherPub = Files.writeString(
                dir.resolve("other.pub.asc"), other.toCertificate().toAsciiArmoredString());
        AtomicReference<BackupManifest> signed = new AtomicReference<>();
        runner().withPropertyValues(
                        "pgkeep.signing.private-key=file:" + hostSec,
                        "pgkeep.signing.passphrase=sign pass",
                        "pgkeep.signing.trusted-keys=file:" + hostPub)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(ManifestSigner.class).hasSingleBean(ManifestVerifier.class);
                    BackupService service = context.getBean(BackupService.class);
                    BackupManifest m =
                            service.backup(BackupRequest.of(Trigger.TEST)).manifest();
                    signed.set(m);
                    assertThat(dir.resolve("repo")
                                    .resolve(database)
                                    .resolve(m.id().value())
                                    .resolve("manifest.sig"))
                            .exists();
                    service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST));
                });
        runner().withPropertyValues("pgkeep.signing.trusted-keys=file:" + otherPub)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ManifestSigner.class);
                    assertThatThrownBy(() -> context.getBean(BackupService.class)
                                    .verify(VerifyRequest.of(
                                            RestoreSource.byId(signed.get().id().value()), Trigger.TEST)))
                            .isInstanceOf(IntegrityException.class)
                            .hasMessageContaining("not a trusted key");
                });
        runner().withPropertyValues("pgkeep.signing.trusted-keys=file:" + hostPub)
                .withClassLoader(new FilteredClassLoader("dev.pgkeep.crypto.gpg"))
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("pgkeep-crypto-gpg"));
    }

    @Test
    void anUnusablePublicKeyFailsAtStartUp() throws Exception {
        Path garbage = Files.writeString(dir.resolve("broken.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope\n");
        runner().withPropertyValues("pgkeep.encryption.public-keys=file:" + garbage)
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("broken.asc"));
        runner().withPropertyValues("pgkeep.encryption.secret-key=file:" + garbage)
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("broken.asc"));
    }

    @Test
    void aSecretKeyWithoutAPassphraseNeedsNoneAndAProtectedOneNamesTheProperty() throws Exception {
        OpenPGPKey open = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                .ed25519x25519Key("open <open@pgkeep.test>")
                .build(null);
        Path openSec = Files.writeString(dir.resolve("open.sec.asc"), open.toAsciiArmoredString());
        runner().withPropertyValues("pgkeep.encryption.secret-key=file:" + openSec)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(Encryptor.class);
                });
        OpenPGPKey locked = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                .ed25519x25519Key("locked <locked@pgkeep.test>")
                .build("correct horse".toCharArray());
        Path lockedSec = Files.writeString(dir.resolve("locked.sec.asc"), locked.toAsciiArmoredString());
        runner().withPropertyValues("pgkeep.encryption.secret-key=file:" + lockedSec)
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("is protected by a passphrase, and none was given")
                        .hasStackTraceContaining("pgkeep.encryption.passphrase"));
    }

    @Test
    void micrometerMetersWhenTheHostHasARegistry() {
        runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(PgkeepMetrics.class);
                    context.getBean(BackupService.class).backup(BackupRequest.of(Trigger.TEST));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find(PgkeepMetrics.BACKUP_DURATION)
                                    .tag(PgkeepMetrics.TAG_DATABASE, database)
                                    .timer())
                            .isNotNull()
                            .satisfies(t -> assertThat(t.count()).isEqualTo(1));
                });
        runner().run(context -> assertThat(context).doesNotHaveBean(PgkeepMetrics.class));
        runner().withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader("dev.pgkeep.metrics.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("pgkeepMetrics");
                });
    }

    @Test
    void slackNotifierPostsAFailedBackupToTheConfiguredWebhook() throws Exception {
        List<String> posted = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/services/T000/B000/secret", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        try {
            runner().withPropertyValues(
                            "pgkeep.alerts.slack.webhook-url=http://127.0.0.1:"
                                    + hook.getAddress().getPort() + "/services/T000/B000/secret",
                            "pgkeep.databases[0].url=" + TestDatabases.jdbcUrl("no_such_database_for_slack"),
                            "pgkeep.fail-fast=false")
                    .run(context -> {
                        WebhookNotifier notifier = context.getBean(WebhookNotifier.class);
                        BackupService service = context.getBean(BackupService.class);
                        DatabaseConnection missing = context.getBean(PgkeepDatabases.class)
                                .byName("no_such_database_for_slack")
                                .orElseThrow();
                        assertThatThrownBy(() -> service.backup(BackupRequest.of(missing, Trigger.TEST)));
                        service.backup(BackupRequest.of(Trigger.TEST)); // a success is not posted by default
                        assertThat(notifier.flush(Duration.ofSeconds(20))).isTrue();
                    });
        } finally {
            hook.stop(0);
        }
        assertThat(posted).singleElement().asString().contains("no_such_database_for_slack");
        runner().run(context -> assertThat(context).doesNotHaveBean(WebhookNotifier.class));
    }
}
