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
 * Guarantee 6 for S3: with the default options (8 MiB parts, 32 MiB of memory per adapter) 1 GiB uploads in a JVM
 * limited to {@code -Xmx64m}, as four objects written at the same time through one adapter (what a parallel backup
 * does): the memory bound is the adapter's, not each object's (four writes with their own 4 + 1 parts of 8 MiB would
 * need 160 MiB). s3proxy keeps the objects on disk so the test JVM does not hold them either. Set {@code
 * -Dpgkeep.s3.memoryTestBytes=...} to try other sizes (per object).
 */
class S3MemoryBoundTest {
    private static final Pattern RESULT = Pattern.compile("RESULT .*peakHeapMiB=([0-9.]+) sha256=([0-9a-f]{64})");

    private static final Path GC_LOG =
            Path.of("target", "s3-memory-test-gc.log").toAbsolutePath();

    @Test
    void fourConcurrentUploadsOfAQuarterGibFitInA64MibHeap(@TempDir Path dir) throws Exception {
        long bytes = Long.getLong("pgkeep.s3.memoryTestBytes", 256L * 1024 * 1024);
        int writers = 4;
        try (S3TestServer server = S3TestServer.builder().filesystem(dir).start()) {
            server.createBucket(S3Fixture.BUCKET);
            String prefix = S3Fixture.uniquePrefix();
            Process child = ChildJvm.start(
                    server,
                    List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + GC_LOG),
                    "concurrent",
                    ChildJvm.repositoryUri(server, prefix, ""),
                    "db/20261125T020000Z-1g1g/dump.pgc",
                    String.valueOf(bytes),
                    String.valueOf(writers));
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
            // what survives a collection: the adapter's buffers (32 MiB) plus the SDK's and the JVM's own
            assertThat(liveAfterGc).isLessThan(48);
            Matcher m = RESULT.matcher(result);
            assertThat(m.find()).as(result).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isLessThan(64);

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
            assertThat(storage.list("")).extracting(ObjectInfo::size).containsExactly(bytes, bytes, bytes, bytes);
            assertThat(m.group(2)).isEqualTo(S3Fixture.sha256OfBytes(1, bytes));
            for (int i = 1; i <= writers; i++) {
                try (var in = storage.read("db/20261125T020000Z-1g1g/dump.pgc-" + i)) {
                    assertThat(S3Fixture.sha256(in)).as("object %d", i).isEqualTo(m.group(2));
                }
            }
        }
    }
}
