package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the adapter's own multipart loop ({@code upload}) with the SDK's multipart client fed by a blocking output
 * stream of unknown length ({@code sdk}): same part size and parallelism, same heap limit. Manual, as it takes
 * minutes:
 *
 * <pre>
 * ./mvnw -B -q verify -pl storage-s3 -am -Dtest=S3UploadBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dpgkeep.s3.benchmark=true [-Dpgkeep.s3.benchmarkBytes=1073741824] [-Dpgkeep.s3.benchmarkHeap=128m]
 * </pre>
 */
@EnabledIfSystemProperty(named = "pgkeep.s3.benchmark", matches = "true")
class S3UploadBenchmarkTest {

    @ParameterizedTest
    @ValueSource(strings = {"upload", "sdk"})
    void upload(String mode, @TempDir Path dir) throws Exception {
        long bytes = Long.getLong("pgkeep.s3.benchmarkBytes", 1024L * 1024 * 1024);
        String heap = System.getProperty("pgkeep.s3.benchmarkHeap", "128m");
        try (S3TestServer server = S3TestServer.builder()
                .filesystem(dir.resolve("store"))
                .ignoreUnknownHeaders(true) // the SDK's multipart client sends checksum headers s3proxy lacks
                .start()) {
            server.createBucket(S3Fixture.BUCKET);
            Path gcLog = Path.of("target", "s3-benchmark-" + mode + "-gc.log").toAbsolutePath();
            Process child = ChildJvm.start(
                    server,
                    List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog),
                    mode,
                    ChildJvm.repositoryUri(server, S3Fixture.uniquePrefix(), "region=us-east-1"),
                    "db/20261125T020000Z-bench/dump.pgc",
                    String.valueOf(bytes));
            String result;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                result = out.lines()
                        .filter(line -> line.startsWith("RESULT"))
                        .findFirst()
                        .orElse("no result");
            }
            assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
            String line = "BENCHMARK heap=" + heap + " exit=" + child.exitValue() + " " + result + " maxHeapAfterGcMiB="
                    + (Files.exists(gcLog) ? ChildJvm.maxHeapAfterGcMiB(gcLog) : -1);
            System.out.println(line);
            Files.writeString(
                    Path.of("target", "s3-benchmark.txt"),
                    line + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
