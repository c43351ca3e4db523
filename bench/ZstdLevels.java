import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * zstd levels measured the way pgkeep compresses (zstd-jni's {@code ZstdOutputStream} with a frame checksum, 512 KiB
 * writes, SHA-256 of the compressed bytes), on archives you give it, e.g. {@code pg_dump -Fc -Z0} files of the two
 * benchmark datasets. For each file and level: compressed size and the CPU time of the compressing thread, median of
 * REPS runs that alternate between levels (so a load change hits every level alike), and the throughput per core.
 * The tool behind the zstd default level in docs/performance.md:
 *
 * <pre>
 * java -cp cli/target/pgkeep-cli-*-all.jar bench/ZstdLevels.java REPS LEVELS FILE...
 * java -cp cli/target/pgkeep-cli-*-all.jar bench/ZstdLevels.java 3 1,2,3 mixed.dump default.dump
 * </pre>
 */
public final class ZstdLevels {
    public static void main(String[] args) throws Exception {
        int reps = Integer.parseInt(args[0]);
        int[] levels = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "load average at start: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("| file | input (MB) | level | size (MB) | ratio | CPU (s), median | MB/s per core | SHA-256 (s) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int f = 2; f < args.length; f++) {
            Path file = Path.of(args[f]);
            double mb = Files.size(file) / 1e6;
            List<List<Double>> cpuByLevel = new ArrayList<>();
            List<List<Double>> shaByLevel = new ArrayList<>();
            long[] sizes = new long[levels.length];
            for (int l = 0; l < levels.length; l++) {
                cpuByLevel.add(new ArrayList<>());
                shaByLevel.add(new ArrayList<>());
            }
            compress(file, levels[0], new CountingDigest()); // warm-up: JIT and the file in the page cache
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < levels.length; k++) {
                    int l = (r + k) % levels.length; // rotated, like bench/run.sh
                    CountingDigest sink = new CountingDigest();
                    long t0 = cpu.getCurrentThreadCpuTime();
                    compress(file, levels[l], sink);
                    cpuByLevel.get(l).add((cpu.getCurrentThreadCpuTime() - t0) / 1e9);
                    shaByLevel.get(l).add(sink.digestNanos / 1e9);
                    sizes[l] = sink.bytes;
                }
            }
            for (int l = 0; l < levels.length; l++) {
                double secs = median(cpuByLevel.get(l));
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %.1f | %d | %.1f | %.2f | %.2f | %.0f | %.2f |%n",
                        file.getFileName(),
                        mb,
                        levels[l],
                        sizes[l] / 1e6,
                        mb * 1e6 / sizes[l],
                        secs,
                        mb / secs,
                        median(shaByLevel.get(l)));
            }
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static void compress(Path file, int level, OutputStream sink) throws IOException {
        byte[] buffer = new byte[512 * 1024];
        try (InputStream in = Files.newInputStream(file);
                ZstdOutputStream out = new ZstdOutputStream(sink, level)) {
            out.setChecksum(true);
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The compressed stream's sink: SHA-256 and a byte count, as pgkeep's storage stage does (its time measured). */
    private static final class CountingDigest extends OutputStream {
        private final MessageDigest sha;
        long bytes;
        long digestNanos;

        CountingDigest() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            long t0 = System.nanoTime();
            sha.update(b, off, len);
            digestNanos += System.nanoTime() - t0;
            bytes += len;
        }
    }
}
