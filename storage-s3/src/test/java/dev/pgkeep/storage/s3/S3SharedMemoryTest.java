package dev.pgkeep.storage.s3;

import static dev.pgkeep.storage.s3.S3Fixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many objects written through one adapter at the same time (a parallel backup) share its memory: never more buffers
 * than {@code memory / part-size}, every object intact, no write starved or deadlocked, every buffer back at the end.
 */
class S3SharedMemoryTest {
    private static S3Fixture s3;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.start();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @Test
    void concurrentWritersOfLargeAndSmallObjectsStayWithinTheAdaptersMemory() throws Exception {
        String prefix = S3Fixture.uniquePrefix();
        // three 5 MiB buffers for all writers; each object alone could use two in flight and one filling
        S3StorageAdapter storage = new S3StorageAdapter(
                s3.client,
                s3.options(prefix).memory(15L * MIB).maxPartsInFlight(2).build());
        assertThat(storage.bufferPool().capacity()).isEqualTo(3);
        List<long[]> objects = new ArrayList<>(); // seed, size
        for (int i = 0; i < 6; i++) {
            objects.add(new long[] {100 + i, 4L * 5 * MIB + 1000 * i + 1}); // five parts each
        }
        for (int i = 0; i < 4; i++) {
            objects.add(new long[] {200 + i, 100_000 + i}); // small: never wait for the pool
        }
        objects.add(new long[] {300, 5L * MIB}); // exactly one part: a single PUT from a pooled buffer
        CyclicBarrier start = new CyclicBarrier(objects.size());
        ExecutorService writers = Executors.newFixedThreadPool(objects.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (long[] object : objects) {
                running.add(writers.submit(() -> {
                    start.await();
                    try (PendingObject pending = storage.create("db/20261201T160000Z-cccc/t" + object[0])) {
                        S3Fixture.writeBytes(pending.output(), object[0], object[1]);
                        pending.commit();
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get(5, TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(storage.bufferPool().peakAllocated()).isBetween(1, 3);
        assertThat(storage.bufferPool().inUse()).isZero();
        assertThat(storage.bufferPool().allocated())
                .as("no write open: the buffers are let go")
                .isZero();
        assertThat(s3.openUploads(prefix)).isEmpty();
        for (long[] object : objects) {
            try (InputStream in = storage.read("db/20261201T160000Z-cccc/t" + object[0])) {
                assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(object[0], object[1]));
            }
        }
    }

    @Test
    void aWriteClosedWithoutCommitGivesItsBuffersBackForTheOthers() throws IOException {
        String prefix = S3Fixture.uniquePrefix();
        S3StorageAdapter storage = new S3StorageAdapter(
                s3.client,
                s3.options(prefix).memory(10L * MIB).maxPartsInFlight(1).build());
        try (PendingObject abandoned = storage.create("db/x/abandoned")) {
            S3Fixture.writeBytes(abandoned.output(), 1, 7L * MIB); // one part sent, one filling
        }
        assertThat(storage.bufferPool().inUse()).isZero();
        assertThat(s3.openUploads(prefix)).isEmpty();
        try (PendingObject next = storage.create("db/x/next")) {
            S3Fixture.writeBytes(next.output(), 2, 12L * MIB);
            next.commit();
        }
        try (InputStream in = storage.read("db/x/next")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(2, 12L * MIB));
        }
    }
}
