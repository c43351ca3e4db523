package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the encryptor alone, per {@link CipherEngine}, and prints MiB/s; it asserts no timing. Off by default:
 *
 * <pre>
 * ./mvnw -B -q verify -pl crypto-gpg -am -Dpgkeep.benchmark=true \
 *     -Dtest=EncryptorThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * cat crypto-gpg/target/surefire-reports/dev.pgkeep.crypto.gpg.EncryptorThroughputBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "pgkeep.benchmark", matches = "true")
class EncryptorThroughputBenchmark {

    private static final int MIB = 1024 * 1024;
    private static final int MEASURED_MIB = Integer.getInteger("pgkeep.benchmark.mib", 512);
    private static final int ROUNDS = 3;

    @TempDir
    static Path keys;

    @Test
    void printThroughputOfEachCipherEngine() throws IOException {
        TestKeys.KeyPairFiles key = TestKeys.generate(keys, "bench", "bench");
        byte[] chunk = new byte[MIB];
        new Random(1).nextBytes(chunk);
        System.out.printf(
                Locale.ROOT,
                "Java %s on %s, %d cores; %d MiB per run, best of %d%n",
                System.getProperty("java.version"),
                System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                MEASURED_MIB,
                ROUNDS);
        for (CipherEngine engine : CipherEngine.values()) {
            OpenPgpEncryptor encryptor = OpenPgpEncryptor.builder()
                    .recipient(key.publicKey())
                    .decryptionKey(key.secretKey(), key.passphrase())
                    .engine(engine)
                    .build();
            encryptMiB(encryptor, chunk, 64, OutputStream.nullOutputStream()); // warm-up (JIT)
            double encryptBest = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.nanoTime();
                encryptMiB(encryptor, chunk, MEASURED_MIB, OutputStream.nullOutputStream());
                encryptBest = Math.max(encryptBest, MEASURED_MIB / seconds(start));
            }
            ByteArrayOutputStream ciphertext = new ByteArrayOutputStream(MEASURED_MIB * MIB + MIB);
            encryptMiB(encryptor, chunk, MEASURED_MIB, ciphertext);
            byte[] encrypted = ciphertext.toByteArray();
            ciphertext = null;
            decryptAll(encryptor, encrypted); // warm-up (JIT)
            double decryptBest = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.nanoTime();
                long bytes = decryptAll(encryptor, encrypted);
                decryptBest = Math.max(decryptBest, MEASURED_MIB / seconds(start));
                assertThat(bytes).isEqualTo((long) MEASURED_MIB * MIB);
            }
            System.out.printf(
                    Locale.ROOT, "%-24s encrypt %7.1f MiB/s   decrypt %7.1f MiB/s%n", engine, encryptBest, decryptBest);
        }
    }

    private static void encryptMiB(OpenPgpEncryptor encryptor, byte[] chunk, int mib, OutputStream sink)
            throws IOException {
        try (OutputStream out = encryptor.encrypt(sink)) {
            for (int i = 0; i < mib; i++) {
                // 64 KiB writes, like the pipeline's buffers.
                for (int offset = 0; offset < chunk.length; offset += 64 * 1024) {
                    out.write(chunk, offset, 64 * 1024);
                }
            }
        }
    }

    private static long decryptAll(OpenPgpEncryptor encryptor, byte[] ciphertext) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = encryptor.decrypt(new ByteArrayInputStream(ciphertext))) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
