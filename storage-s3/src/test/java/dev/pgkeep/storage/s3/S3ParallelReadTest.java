package dev.pgkeep.storage.s3;

import static dev.pgkeep.storage.s3.S3Fixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3StorageAdapter#read(String)} of objects larger than one part with {@code read-ahead}: ranged GETs in parallel
 * into the adapter's buffers, delivered in order, against the real s3proxy (5 MiB parts).
 */
class S3ParallelReadTest {
    private static final long PART = 5L * MIB;
    private static final AtomicReference<FaultInjectingBlobStore> faults = new AtomicReference<>();
    private static S3Fixture s3;
    private static S3Client client;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.startWithFaults(faults);
        client = s3.options("").maxAttempts(2).build().buildClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        s3.close();
    }

    @BeforeEach
    void noFaults() {
        faults.get().reset();
        faults.get().rangedGets.set(0);
    }

    private S3StorageAdapter adapter(String prefix, long memory) {
        return new S3StorageAdapter(
                client,
                s3.options(prefix).memory(memory).readAhead(4).maxAttempts(2).build());
    }

    private static void put(S3StorageAdapter storage, String key, long seed, long size) throws IOException {
        try (PendingObject pending = storage.create(key)) {
            S3Fixture.writeBytes(pending.output(), seed, size);
            pending.commit();
        }
    }

    @Test
    void objectsOfEverySizeAroundThePartBoundariesReadBackIdentical() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 4 * PART);
        long[] sizes = {0, 1, PART - 1, PART, PART + 1, 2 * PART, 3 * PART + 7, 9 * PART + 3};
        for (long size : sizes) {
            put(storage, "o" + size, size, size);
        }
        S3StorageAdapter reader = new S3StorageAdapter(client, storage.options()); // its own buffers, for counting
        for (long size : sizes) {
            faults.get().rangedGets.set(0);
            try (InputStream in = reader.read("o" + size)) {
                assertThat(S3Fixture.sha256(in))
                        .as("object of %d bytes", size)
                        .isEqualTo(S3Fixture.sha256OfBytes(size, size));
            }
            // one ranged GET per part-sized range: the large ones really were read in parallel ranges
            assertThat(faults.get().rangedGets.get())
                    .as("ranged GETs for %d bytes", size)
                    .isEqualTo((int) Math.max(1, (size + PART - 1) / PART));
            assertThat(reader.bufferPool().inUse()).isZero();
        }
        // four buffers: a read keeps two for the part a write may need, so it reads ahead two ranges at most
        assertThat(reader.bufferPool().peakAllocated()).isEqualTo(2);
    }

    @Test
    void aReadHoldsNoMoreBuffersThanTheAdaptersMemoryWhileWritesShareIt() throws Exception {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 2 * PART);
        put(storage, "big", 7, 12 * PART + 11);
        // a write holding one of the two buffers while the read runs: the read gets by with the other
        try (PendingObject writing = storage.create("other")) {
            S3Fixture.writeBytes(writing.output(), 8, PART - 1);
            assertThat(storage.bufferPool().inUse()).isEqualTo(1);
            try (InputStream in = storage.read("big")) {
                assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(7, 12 * PART + 11));
            }
            writing.commit();
        }
        assertThat(storage.bufferPool().peakAllocated()).isEqualTo(2);
        assertThat(storage.bufferPool().inUse()).isZero();
        assertThat(storage.bufferPool().allocated()).isZero();
    }

    @Test
    void aRangeCutShortIsFetchedAgainAndOneCutShortEveryTimeFailsTheRead() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 4 * PART);
        long size = 6 * PART + 5;
        put(storage, "cut", 3, size);

        faults.get().truncateRangesFrom(3 * PART, 1);
        try (InputStream in = storage.read("cut")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(3, size));
        }
        assertThat(faults.get().truncatedGets.get()).isEqualTo(1);

        faults.get().truncateRangesFrom(3 * PART, Integer.MAX_VALUE);
        assertThatThrownBy(() -> {
                    try (InputStream in = storage.read("cut")) {
                        S3Fixture.sha256(in);
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bytes=" + (3 * PART) + "-")
                .hasMessageContaining("tried 2 times");
        assertThat(storage.bufferPool().inUse()).isZero();

        // the first range, streamed straight from its GET, is asked for again from where it broke off
        faults.get().reset();
        faults.get().truncateRangesFrom(0, 1);
        try (InputStream in = storage.read("cut")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(3, size));
        }
    }

    @Test
    void aRangeTheStoreRefusesFailsTheReadWithTheStoresAnswer() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 4 * PART);
        put(storage, "refused", 4, 5 * PART);
        faults.get().failRangesFrom(2 * PART);
        assertThatThrownBy(() -> {
                    try (InputStream in = storage.read("refused")) {
                        S3Fixture.sha256(in);
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 500");
        assertThat(storage.bufferPool().inUse()).isZero();
    }

    @Test
    void anObjectReplacedDuringTheReadFailsInsteadOfMixingVersions() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 2 * PART); // one range read ahead at most
        put(storage, "replaced", 5, 4 * PART);
        try (InputStream in = storage.read("replaced")) {
            in.readNBytes((int) PART); // the first range; the second may already be buffered
            put(new S3StorageAdapter(client, storage.options()), "replaced", 6, 4 * PART);
            assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("412");
        }
        assertThat(storage.bufferPool().inUse()).isZero();
    }

    @Test
    void copyingWithinOneAdapterInOneThreadDoesNotDeadlockOnItsBuffers() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 2 * PART);
        long size = 7 * PART + 1;
        put(storage, "from", 10, size);
        try (InputStream in = storage.read("from");
                PendingObject out = storage.create("to")) {
            in.transferTo(out.output()); // the read never waits for a buffer the write holds, and keeps one free
            out.commit();
        }
        try (InputStream in = storage.read("to")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(10, size));
        }
        assertThat(storage.bufferPool().inUse()).isZero();
    }

    @Test
    void byDefaultAReadIsOnePlainGet() throws IOException {
        S3StorageAdapter storage = new S3StorageAdapter(
                client, s3.options(S3Fixture.uniquePrefix()).build());
        put(storage, "plain", 13, 3 * PART + 2);
        faults.get().rangedGets.set(0);
        try (InputStream in = storage.read("plain")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(13, 3 * PART + 2));
        }
        assertThat(faults.get().rangedGets.get()).isZero();
    }

    @Test
    void withOneBufferAReadIsOnePlainGet() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), PART);
        put(storage, "plain", 12, 3 * PART + 2);
        faults.get().rangedGets.set(0);
        try (InputStream in = storage.read("plain")) {
            assertThat(S3Fixture.sha256(in)).isEqualTo(S3Fixture.sha256OfBytes(12, 3 * PART + 2));
        }
        assertThat(faults.get().rangedGets.get()).isZero();
        assertThat(storage.bufferPool().peakAllocated()).isEqualTo(1); // the write's, none for the read
    }

    @Test
    void closingHalfWayStopsTheDownloadsAndGivesTheBuffersBack() throws IOException {
        S3StorageAdapter storage = adapter(S3Fixture.uniquePrefix(), 4 * PART);
        put(storage, "half", 9, 8 * PART);
        try (InputStream in = storage.read("half")) {
            in.readNBytes((int) (2 * PART + 3));
        }
        assertThat(storage.bufferPool().inUse()).isZero();
        assertThat(storage.bufferPool().allocated()).isZero();
    }
}
