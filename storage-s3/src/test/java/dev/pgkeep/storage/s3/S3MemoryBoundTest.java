package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 6 for S3: a 1 GiB upload with the default options (16 MiB parts, 4 in flight) runs in a JVM limited to
 * {@code -Xmx128m}. s3proxy keeps the object on disk so the test JVM does not hold it either. Set {@code
 * -Dpgkeep.s3.memoryTestBytes=...} to try other sizes.
 */
class S3MemoryBoundTest {
    private static final Pattern RESULT = Pattern.compile("RESULT .*peakHeapMiB=([0-9.]+) sha256=([0-9a-f]{64})");

    private static final Path GC_LOG =
            Path.of("target", "s3-memory-test-gc.log").toAbsolutePath();

    @Test
    void aOneGibUploadFitsInA128MibHeap(@TempDir Path dir) throws Exception {
        long bytes = Long.getLong("pgkeep.s3.memoryTestBytes", 1024L * 1024 * 1024);
        try (S3TestServer server = S3TestServer.builder().filesystem(dir).start()) {
            server.createBucket(S3Fixture.BUCKET);
            String prefix = S3Fixture.uniquePrefix();
            Process child = ChildJvm.start(
                    server,
                    List.of("-Xmx128m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + GC_LOG),
                    "upload",
                    ChildJvm.repositoryUri(server, prefix, ""),
                    "db/20261125T020000Z-1g1g/dump.pgc",
                    String.valueOf(bytes));
            String result;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                result = out.lines()
                        .filter(line -> line.startsWith("RESULT"))
                        .findFirst()
                        .orElse("");
            }
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue())
                    .as("upload process exit code (an OutOfMemoryError exits 1)")
                    .isZero();
            long liveAfterGc = ChildJvm.maxHeapAfterGcMiB(GC_LOG);
            System.out.println(result + " maxHeapAfterGcMiB=" + liveAfterGc);
            // what survives a collection: the part buffers (16 MiB x (4 + 1)) plus the SDK and the JVM's own
            assertThat(liveAfterGc).isLessThan(112);
            Matcher m = RESULT.matcher(result);
            assertThat(m.find()).as(result).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isLessThan(128);

            S3StorageAdapter storage = new S3StorageAdapter(
                    S3StorageOptions.builder(S3Fixture.BUCKET)
                            .endpoint(server.endpoint())
                            .region(S3TestServer.REGION)
                            .pathStyle(true)
                            .credentialsProvider(
                                    software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                                    server.accessKey(), server.secretKey())))
                            .build()
                            .buildClient(),
                    S3StorageOptions.builder(S3Fixture.BUCKET).prefix(prefix).build());
            assertThat(storage.list("")).extracting(ObjectInfo::size).containsExactly(bytes);
            assertThat(m.group(2)).isEqualTo(S3Fixture.sha256OfBytes(1, bytes));
        }
    }
}
