package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class S3StorageOptionsTest {

    @Test
    void parsesBucketPrefixAndEveryParameter() {
        S3StorageOptions options = S3StorageOptions.fromUri("s3://my-bucket/backups/prod?endpoint=http://127.0.0.1:9000"
                + "&region=eu-central-1&path-style=true&part-size=64MiB&max-parts-in-flight=8&sse=aws:kms"
                + "&kms-key-id=arn%3Aaws%3Akms%3Aeu-central-1%3A111122223333%3Akey%2Fabc&storage-class=standard_ia"
                + "&max-attempts=7&profile=backup&memory=256MiB&read-ahead=3");
        assertThat(options.bucket()).isEqualTo("my-bucket");
        assertThat(options.prefix()).isEqualTo("backups/prod/");
        assertThat(options.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(options.region()).isEqualTo("eu-central-1");
        assertThat(options.pathStyle()).isTrue();
        assertThat(options.partSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(options.maxPartsInFlight()).isEqualTo(8);
        assertThat(options.serverSideEncryption()).isEqualTo("aws:kms");
        assertThat(options.kmsKeyId()).isEqualTo("arn:aws:kms:eu-central-1:111122223333:key/abc");
        assertThat(options.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(options.maxAttempts()).isEqualTo(7);
        assertThat(options.memory()).isEqualTo(256L * 1024 * 1024);
        assertThat(options.readAhead()).isEqualTo(3);
        assertThat(options.profile()).isEqualTo("backup");
        assertThat(options.describe()).isEqualTo("s3://my-bucket/backups/prod/ at http://127.0.0.1:9000");
    }

    @Test
    void defaultsAreEightMibPartsInThirtyTwoMibOfMemoryAndNoPrefix() {
        S3StorageOptions options = S3StorageOptions.fromUri("s3://bucket");
        assertThat(options.prefix()).isEmpty();
        assertThat(options.partSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(options.memory()).isEqualTo(32L * 1024 * 1024);
        assertThat(options.buffers()).isEqualTo(4);
        assertThat(options.readAhead()).isZero();
        assertThat(options.maxPartsInFlight()).isEqualTo(4);
        assertThat(options.pathStyle()).isFalse();
        assertThat(options.endpoint()).isNull();
        assertThat(options.serverSideEncryption()).isNull();
        assertThat(S3StorageOptions.fromUri("s3://bucket/").prefix()).isEmpty();
        assertThat(S3StorageOptions.fromUri("s3://bucket/a/b/").prefix()).isEqualTo("a/b/");
    }

    @Test
    void partsDoubleEveryThousandUpToHalfTheMemorySoTenThousandPartsHoldLargeObjects() {
        S3StorageOptions defaults = S3StorageOptions.fromUri("s3://bucket");
        assertThat(defaults.buffersOfPart(1)).isEqualTo(1);
        assertThat(defaults.buffersOfPart(1000)).isEqualTo(1);
        assertThat(defaults.buffersOfPart(1001)).isEqualTo(2);
        assertThat(defaults.buffersOfPart(10_000)).isEqualTo(2); // half of the four buffers: one fills, one uploads
        // 1,000 parts of 8 MiB and 9,000 of 16 MiB: 148 GiB (the documented ceiling)
        assertThat(defaults.maxObjectSize()).isEqualTo((1000L * 8 + 9000L * 16) * 1024 * 1024);

        S3StorageOptions more = S3StorageOptions.fromUri("s3://bucket?memory=128MiB");
        assertThat(more.buffersOfPart(3001)).isEqualTo(8);
        assertThat(more.buffersOfPart(9001)).isEqualTo(8);
        assertThat(more.maxObjectSize()).isEqualTo((1000L * 8 + 1000L * 16 + 1000L * 32 + 7000L * 64) * 1024 * 1024);

        S3StorageOptions onePart = S3StorageOptions.fromUri("s3://bucket?part-size=5MiB&memory=5MiB");
        assertThat(onePart.buffersOfPart(5000)).isEqualTo(1);
        assertThat(onePart.maxObjectSize()).isEqualTo(10_000L * 5 * 1024 * 1024);
    }

    @Test
    void memoryIsAtLeastOnePartAndFollowsALargerPartSizeUnlessChosen() {
        assertThat(S3StorageOptions.fromUri("s3://bucket?part-size=64MiB").memory())
                .isEqualTo(128L * 1024 * 1024);
        assertThat(S3StorageOptions.fromUri("s3://bucket?memory=48MiB&part-size=16MiB")
                        .buffers())
                .isEqualTo(3);
        // a setting applied after the URI (the factory's order) changes the derived default, not a chosen value
        assertThat(S3StorageOptions.fromUri("s3://bucket").toBuilder()
                        .partSize(64L * 1024 * 1024)
                        .build()
                        .memory())
                .isEqualTo(128L * 1024 * 1024);
        assertThat(S3StorageOptions.fromUri("s3://bucket?memory=40MiB").toBuilder()
                        .partSize(5L * 1024 * 1024)
                        .build()
                        .memory())
                .isEqualTo(40L * 1024 * 1024);
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?memory=4MiB"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("at least one part");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?read-ahead=99"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("between 0 and 16");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?memory=lots"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("16MiB");
    }

    @Test
    void sizesAcceptBytesAndBinaryUnits() {
        assertThat(S3StorageOptions.parseSize("5242880")).isEqualTo(5L * 1024 * 1024);
        assertThat(S3StorageOptions.parseSize("8MiB")).isEqualTo(8L * 1024 * 1024);
        assertThat(S3StorageOptions.parseSize("1g")).isEqualTo(1024L * 1024 * 1024);
        assertThatThrownBy(() -> S3StorageOptions.parseSize("lots")).isInstanceOf(BadInputException.class);
    }

    @Test
    void credentialsInTheUriAreRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://AKIAEXAMPLE:wJalrXUtnFEMIsecret@bucket/prefix"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageNotContaining("wJalrXUtnFEMIsecret")
                .hasMessageNotContaining("AKIAEXAMPLE");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket/p?secret-key=wJalrXUtnFEMIsecret"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Unknown S3 repository URI parameter 'secret-key'")
                .hasMessageNotContaining("wJalrXUtnFEMIsecret");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket/p?endpoint=http://user:pw@minio:9000"))
                .isInstanceOf(BadInputException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void badValuesSayWhatToFix() {
        assertThatThrownBy(() -> S3StorageOptions.fromUri("file:///tmp/x")).hasMessageContaining("s3://");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3:///prefix")).hasMessageContaining("bucket");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://Bad_Bucket!")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?part-size=1MiB"))
                .hasMessageContaining("between 5 MiB and 1 GiB");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?part-size=2GiB"))
                .hasMessageContaining("between 5 MiB and 1 GiB");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?sse=rot13"))
                .hasMessageContaining("AES256");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?kms-key-id=abc"))
                .hasMessageContaining("sse=aws:kms");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?path-style=maybe"))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket?endpoint=minio"))
                .hasMessageContaining("endpoint=https://");
        assertThatThrownBy(() -> S3StorageOptions.fromUri("s3://bucket/a/../b")).hasMessageContaining("'..'");
    }

    @Test
    void aClientBuiltFromAnEndpointUriNeedsNoAwsRegionSetting() {
        S3StorageOptions options =
                S3StorageOptions.fromUri("s3://bucket/p?endpoint=http://127.0.0.1:1&path-style=true");
        try (var client = options.buildClient()) {
            assertThat(client.serviceClientConfiguration().region().id()).isEqualTo("us-east-1");
            assertThat(client.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:1"));
        }
    }
}
