package dev.pgkeep.storage.s3;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.testsupport.contract.StorageAdapterContract;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The storage contract against MinIO in a container, a second S3 implementation next to s3proxy. Runs where a Docker
 * engine is reachable (developer machines, CI with Docker) and is skipped elsewhere.
 */
@EnabledIf("dockerAvailable")
class MinioStorageAdapterContractTest extends StorageAdapterContract {
    private static MinIOContainer minio;
    private static S3Client client;
    private static S3StorageOptions base;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @BeforeAll
    static void startMinio() {
        minio = new MinIOContainer("minio/minio:RELEASE.2023-09-04T19-57-37Z");
        minio.start();
        base = S3StorageOptions.builder("pgkeep-test")
                .endpoint(URI.create(minio.getS3URL()))
                .pathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(minio.getUserName(), minio.getPassword())))
                .partSize(S3StorageOptions.MIN_PART_SIZE)
                .build();
        client = base.buildClient();
        client.createBucket(b -> b.bucket("pgkeep-test"));
    }

    @AfterAll
    static void stopMinio() {
        if (client != null) {
            client.close();
        }
        if (minio != null) {
            minio.stop();
        }
    }

    @Override
    protected StorageAdapter createAdapter() {
        return new S3StorageAdapter(
                client,
                base.toBuilder().prefix("repo-" + UUID.randomUUID() + "/").build());
    }
}
