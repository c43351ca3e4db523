package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings beside the URI (a front end's properties) fill in what the URI leaves out; the URI wins. */
class S3StorageAdapterFactoryTest {
    private static final Map<String, String> SETTINGS = Map.of(
            "region", "eu-west-1",
            "sse", "aws:kms",
            "kms-key-id", "alias/backups",
            "storage-class", "glacier_ir",
            "part-size", "32MiB",
            "max-attempts", "9",
            "profile", "backup");

    private static S3StorageOptions open(String uri, Map<String, String> settings) {
        try (S3StorageAdapter adapter = (S3StorageAdapter)
                new S3StorageAdapterFactory().open(URI.create(uri), StorageAdapterFactory.Context.of(settings))) {
            return adapter.options();
        }
    }

    @Test
    void settingsFillInWhatTheUriLeavesOut() {
        S3StorageOptions options = open("s3://bucket/app", SETTINGS);
        assertThat(options.region()).isEqualTo("eu-west-1");
        assertThat(options.serverSideEncryption()).isEqualTo("aws:kms");
        assertThat(options.kmsKeyId()).isEqualTo("alias/backups");
        assertThat(options.storageClass()).isEqualTo("GLACIER_IR");
        assertThat(options.partSize()).isEqualTo(32L * 1024 * 1024);
        assertThat(options.maxAttempts()).isEqualTo(9);
        assertThat(options.profile()).isEqualTo("backup");
    }

    @Test
    void aUriParameterWinsOverTheSettingOfTheSameName() {
        S3StorageOptions options = open(
                "s3://bucket/app?storage-class=STANDARD&Max-Attempts=2&sse=AES256",
                Map.of("region", "eu-west-1", "storage-class", "GLACIER_IR", "max-attempts", "9", "sse", "aws:kms"));
        assertThat(options.storageClass()).isEqualTo("STANDARD");
        assertThat(options.maxAttempts()).isEqualTo(2);
        assertThat(options.serverSideEncryption()).isEqualTo("AES256");
    }

    @Test
    void anInvalidSettingIsNamed() {
        assertThatThrownBy(() -> open("s3://bucket/app", Map.of("region", "eu-west-1", "part-size", "1MiB")))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("S3 setting part-size: S3 part size must be between 5 MiB and 1 GiB");
        // a KMS key beside a URI without sse=aws:kms
        assertThatThrownBy(() -> open("s3://bucket/app", Map.of("region", "eu-west-1", "kms-key-id", "alias/x")))
                .hasMessageStartingWith("S3 setting kms-key-id: An S3 KMS key id needs server-side encryption");
    }
}
