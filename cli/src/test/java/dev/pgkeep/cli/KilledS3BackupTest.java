package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.storage.s3.S3StorageOptions;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import dev.pgkeep.testsupport.s3.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Guarantee 1 on S3 with a real process kill: a {@code pgkeep backup --repo s3://...} JVM killed with SIGKILL while its
 * multipart upload has stored parts leaves no listed backup; the open upload it could not abort stays through a prune
 * (which cannot prove its writer dead) and is aborted by the next backup of that database, which holds its lock.
 */
@ExtendWith(PostgresExtension.class)
class KilledS3BackupTest {
    private static final String BUCKET = "killed";
    private static String source = "";
    private static S3TestServer s3;
    private static S3Client client;

    @BeforeAll
    static void start(PostgresServer pg) throws Exception {
        source = PostgresServer.uniqueDatabaseName("cli_s3_kill");
        SampleDatabase.createLarge(pg, source, 600_000);
        s3 = S3TestServer.start();
        s3.createBucket(BUCKET);
        client = options().build().buildClient();
    }

    @AfterAll
    static void stop(PostgresServer pg) {
        pg.dropDatabase(source);
        client.close();
        s3.close();
    }

    private static S3StorageOptions.Builder options() {
        return S3StorageOptions.builder(BUCKET)
                .endpoint(s3.endpoint())
                .region(S3TestServer.REGION)
                .pathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
    }

    @Test
    void aBackupToS3KilledMidUploadLeavesNothingListed(PostgresServer pg, @TempDir Path dir) throws Exception {
        // small parts, one at a time: pg_dump is still running long after the first part is stored
        String repo = "s3://" + BUCKET + "/kill?endpoint=" + s3.endpoint()
                + "&region=us-east-1&path-style=true&part-size=5MiB&max-parts-in-flight=1";
        Process backup = CliProcess.backup(
                pg,
                source,
                repo,
                dir,
                Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()));

        awaitStoredPart(backup, Duration.ofSeconds(60));
        backup.destroyForcibly();
        assertThat(backup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).isNotZero();

        Map<String, String> env = new HashMap<>(CliEndToEndTest.env(pg));
        CliRun list = withCredentials(() -> CliRun.run(env, "list", "--repo", repo));
        assertThat(list.exitCode()).as(list::toString).isZero();
        assertThat(list.out()).contains("No backups");
        assertThat(openUploads()).as("a killed process cannot abort its upload").hasSize(1);

        // prune cannot prove the writer dead (it holds no database lock): a young upload stays
        CliRun prune = withCredentials(() -> CliRun.run(env, "prune", "--repo", repo));
        assertThat(prune.exitCode()).as(prune::toString).isZero();
        assertThat(openUploads()).hasSize(1);

        // the next backup of that database holds its lock, so any other upload of it is dead: it is aborted at once
        CliRun next = withCredentials(() -> CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo));
        assertThat(next.exitCode()).as(next::toString).isZero();
        assertThat(openUploads()).isEmpty();
        assertThat(withCredentials(() -> CliRun.run(env, "list", "--repo", repo))
                        .out())
                .contains(source);
    }

    private static List<MultipartUpload> openUploads() {
        return client.listMultipartUploadsPaginator(b -> b.bucket(BUCKET).prefix("kill/")).uploads().stream()
                .toList();
    }

    /** Waits (bounded) until the backup's multipart upload has a stored part: the moment to kill it. */
    private static void awaitStoredPart(Process backup, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!backup.isAlive()) {
                throw new AssertionError(
                        "the backup ended before it could be killed (exit " + backup.exitValue() + ")");
            }
            for (MultipartUpload upload : openUploads()) {
                boolean hasPart = !client.listParts(
                                b -> b.bucket(BUCKET).key(upload.key()).uploadId(upload.uploadId()))
                        .parts()
                        .isEmpty();
                if (hasPart) {
                    return;
                }
            }
            backup.waitFor(20, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no stored part appeared within " + limit);
    }

    /** The in-process CLI finds credentials through the SDK's default chain; system properties are part of it. */
    private static CliRun withCredentials(java.util.function.Supplier<CliRun> run) {
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        try {
            return run.get();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
