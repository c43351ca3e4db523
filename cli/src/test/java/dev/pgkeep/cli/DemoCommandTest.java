package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.Sockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgkeep demo} end to end on a real throwaway cluster: the summary, and that nothing is left behind. */
class DemoCommandTest {
    private static final Pattern CLUSTER = Pattern.compile("Throwaway cluster: (\\S+) on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DEMO_FOLDER = Pattern.compile("Demo folder: (\\S+)");

    @Test
    void runsTheWholeCycleAndRemovesEverything() {
        CliRun demo = CliRun.run(Map.of(), "demo");

        assertThat(demo.exitCode()).as(demo::toString).isZero();
        assertThat(demo.out())
                .contains("$ pgkeep backup --db postgresql://postgres:***@127.0.0.1:")
                .contains("row counts of 4 tables match")
                .containsPattern("is corrupt: its stored object .*dump\\.pgc\\.zst has SHA-256")
                .contains("-> exit code 4 as expected")
                .contains("Restored backup ")
                .containsPattern("Compare schema and row counts +\\d+ ms  ok   schema identical, row counts match")
                .contains("customers=500 order_items=9000 orders=3000 products=200")
                .containsPattern("Database shop: [\\d.]+ MiB on disk; dump [\\d.]+ KiB, stored [\\d.]+ KiB \\(zstd")
                .contains("Demo passed: every step did what it should.")
                .doesNotContain("FAIL");
        Matcher cluster = CLUSTER.matcher(demo.out());
        assertThat(cluster.find()).isTrue();
        // the password is random per cluster and never shown
        assertThat(demo.out()).doesNotContainPattern("postgres:(?!\\*\\*\\*@)[^@/ ]+@");
        assertNothingLeft(demo.out(), Path.of(cluster.group(1)), Integer.parseInt(cluster.group(2)));
    }

    @Test
    void inItsOwnJvmItExitsZeroAndKeepsStderrClean(@TempDir Path dir) throws Exception {
        Process demo = CliProcess.start(dir, Map.of(), "demo");
        assertThat(demo.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String printed = Files.readString(dir.resolve("out.txt"));
        assertThat(demo.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Demo passed");
        // the refused restore is the demo's point: no audit warning about it
        assertThat(Files.readString(dir.resolve("err.txt"))).isEmpty();
        Matcher cluster = CLUSTER.matcher(printed);
        assertThat(cluster.find()).isTrue();
        assertNothingLeft(printed, Path.of(cluster.group(1)), Integer.parseInt(cluster.group(2)));
    }

    @Test
    void anInterruptStopsTheClusterAndRemovesItsFolders(@TempDir Path dir) throws Exception {
        Process demo = CliProcess.start(dir, Map.of(), "demo");
        Path out = dir.resolve("out.txt");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.readString(out).contains("$ pgkeep backup") && demo.isAlive()) {
            assertThat(System.nanoTime()).as("the demo starts its cluster").isLessThan(deadline);
            demo.waitFor(50, TimeUnit.MILLISECONDS);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(demo.pid()))
                .inheritIO()
                .start()
                .waitFor();
        assertThat(demo.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String printed = Files.readString(out);
        Matcher cluster = CLUSTER.matcher(printed);
        assertThat(cluster.find()).as(printed).isTrue();
        assertNothingLeft(printed, Path.of(cluster.group(1)), Integer.parseInt(cluster.group(2)));
    }

    private static void assertNothingLeft(String printed, Path clusterFolder, int port) {
        Matcher work = DEMO_FOLDER.matcher(printed);
        assertThat(work.find()).as(printed).isTrue();
        assertThat(Path.of(work.group(1))).doesNotExist();
        assertThat(clusterFolder).doesNotExist();
        assertThat(Sockets.acceptsOnLoopback(port))
                .as("a server still listens on port " + port)
                .isFalse();
    }
}
