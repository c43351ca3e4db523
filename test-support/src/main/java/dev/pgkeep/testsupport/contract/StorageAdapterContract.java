package dev.pgkeep.testsupport.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StorageAdapter} contract as tests. A storage adapter's test extends this class and only supplies the
 * adapter; the tests here are the same for every adapter:
 *
 * <pre>{@code
 * class S3StorageAdapterContractTest extends StorageAdapterContract {
 *     @Override
 *     protected StorageAdapter createAdapter() {
 *         return new S3StorageAdapter(client, S3StorageOptions.builder("bucket").prefix("test-" + UUID.randomUUID() + "/").build());
 *     }
 * }
 * }</pre>
 */
public abstract class StorageAdapterContract {
    /** Where a backup's dump lands in the stored layout; a realistic key with database and backup-id segments. */
    protected static final String DUMP_KEY = "db/20261125T020000Z-7f3a/dump.pgc.zst";

    protected static final String MANIFEST_KEY = "db/20261125T020000Z-7f3a/manifest.json";

    /** The adapter under test, fresh for each test. */
    protected StorageAdapter adapter;

    /** A new adapter over a fresh, empty namespace (its own folder, bucket prefix...); called before every test. */
    protected abstract StorageAdapter createAdapter() throws Exception;

    /** How many objects the listing test writes (more than 1,000 to cross S3's page size); 0 skips that test. */
    protected int manyObjectsCount() {
        return 1_050;
    }

    /** Bytes of the large stream test. */
    protected int largeObjectSize() {
        return 20 * 1024 * 1024;
    }

    @BeforeEach
    final void createFreshAdapter() throws Exception {
        adapter = createAdapter();
        assertThat(adapter.list(""))
                .as("createAdapter() must give an empty namespace")
                .isEmpty();
    }

    @Test
    void objectIsInvisibleUntilCommitThenVisibleWithItsSize() throws IOException {
        byte[] content = "pg_dump custom format, pretend".getBytes(StandardCharsets.UTF_8);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        try (PendingObject pending = adapter.create(DUMP_KEY)) {
            pending.output().write(content);
            pending.output().flush();
            assertThat(adapter.list("")).as("list before commit").isEmpty();
            assertThat(adapter.stat(DUMP_KEY)).as("stat before commit").isEmpty();
            assertThatThrownBy(() -> adapter.read(DUMP_KEY).close())
                    .as("read before commit")
                    .isInstanceOf(IOException.class);
            pending.commit();
        }
        ObjectInfo info = adapter.stat(DUMP_KEY).orElseThrow();
        assertThat(info.key()).isEqualTo(DUMP_KEY);
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.lastModified()).isAfterOrEqualTo(before);
        assertThat(adapter.list("")).containsExactly(info);
        assertThat(readAll(DUMP_KEY)).isEqualTo(content);
    }

    @Test
    void closeWithoutCommitLeavesNothingBehind() throws IOException {
        PendingObject pending = adapter.create(DUMP_KEY);
        pending.output().write(new byte[8192]);
        pending.close();
        pending.close(); // closing twice is harmless

        assertThat(adapter.list("")).isEmpty();
        assertThat(adapter.stat(DUMP_KEY)).isEmpty();
        assertThatThrownBy(() -> adapter.read(DUMP_KEY).close()).isInstanceOf(IOException.class);
        assertThat(adapter.removeIncompleteWrites(Duration.ZERO))
                .as("an aborted write must leave no temporary file or open upload to clean up")
                .isZero();
    }

    @Test
    void closeAfterCommitKeepsTheObject() throws IOException {
        PendingObject pending = adapter.create(MANIFEST_KEY);
        pending.output().write('{');
        pending.commit();
        pending.close();
        pending.close();
        assertThat(readAll(MANIFEST_KEY)).containsExactly('{');
    }

    @Test
    void commitReplacesAnExistingObjectWhichStaysReadableUntilThen() throws IOException {
        write(MANIFEST_KEY, "first version, longer than the second".getBytes(StandardCharsets.UTF_8));
        try (PendingObject pending = adapter.create(MANIFEST_KEY)) {
            pending.output().write("second".getBytes(StandardCharsets.UTF_8));
            pending.output().flush();
            assertThat(new String(readAll(MANIFEST_KEY), StandardCharsets.UTF_8))
                    .isEqualTo("first version, longer than the second");
            pending.commit();
        }
        assertThat(new String(readAll(MANIFEST_KEY), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(adapter.stat(MANIFEST_KEY).orElseThrow().size()).isEqualTo(6);
        assertThat(adapter.list("")).extracting(ObjectInfo::key).containsExactly(MANIFEST_KEY);
    }

    @Test
    void rangedReadsReturnTheRequestedBytesAndFewerAtTheEnd() throws IOException {
        byte[] content = pattern(1000);
        write(DUMP_KEY, content);

        assertThat(readRange(DUMP_KEY, 0, 10)).isEqualTo(Arrays.copyOfRange(content, 0, 10));
        assertThat(readRange(DUMP_KEY, 100, 50)).isEqualTo(Arrays.copyOfRange(content, 100, 150));
        assertThat(readRange(DUMP_KEY, 990, 10)).isEqualTo(Arrays.copyOfRange(content, 990, 1000));
        assertThat(readRange(DUMP_KEY, 990, 500))
                .as("a range past the end gives the bytes up to the end")
                .isEqualTo(Arrays.copyOfRange(content, 990, 1000));
        assertThat(readRange(DUMP_KEY, 0, 5000)).isEqualTo(content);
    }

    @Test
    void rangedReadAtTheEndIsEmpty() throws IOException {
        write(DUMP_KEY, pattern(1000));
        assertThat(readRange(DUMP_KEY, 1000, 10)).isEmpty();
    }

    @Test
    void listReturnsObjectsWithThePrefixSortedByKey() throws IOException {
        // written out of order; "db1" is a string prefix of "db10" but "db1/" is not
        for (String key : List.of("db2/y", "db1/b/c", "other", "db10/x", "db1/a")) {
            write(key, key.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(adapter.list("db1/")).extracting(ObjectInfo::key).containsExactly("db1/a", "db1/b/c");
        assertThat(adapter.list("db1")).extracting(ObjectInfo::key).containsExactly("db1/a", "db1/b/c", "db10/x");
        assertThat(adapter.list("db1/b/")).extracting(ObjectInfo::key).containsExactly("db1/b/c");
        assertThat(adapter.list("nothing-here/")).isEmpty();
        assertThat(adapter.list(""))
                .extracting(ObjectInfo::key)
                .containsExactly("db1/a", "db1/b/c", "db10/x", "db2/y", "other");
        assertThat(adapter.list("db2/"))
                .singleElement()
                .satisfies(info -> assertThat(info.size()).isEqualTo(5));
    }

    @Test
    void listReturnsMoreThanOnePageOfObjects() throws IOException {
        int count = manyObjectsCount();
        assumeTrue(count > 0, "this adapter opted out of the many-objects test");
        for (int i = count - 1; i >= 0; i--) {
            write(String.format("many/obj-%05d", i), new byte[] {(byte) i});
        }
        write("many-not/obj", new byte[1]);
        List<ObjectInfo> listed = adapter.list("many/");
        assertThat(listed).hasSize(count);
        assertThat(listed.get(0).key()).isEqualTo("many/obj-00000");
        assertThat(listed.get(count - 1).key()).isEqualTo(String.format("many/obj-%05d", count - 1));
        assertThat(listed).extracting(ObjectInfo::key).isSorted().doesNotHaveDuplicates();
        assertThat(listed).allSatisfy(info -> assertThat(info.size()).isEqualTo(1));
    }

    @Test
    void deleteRemovesTheObjectAndDeletingAMissingOneIsFine() throws IOException {
        write(DUMP_KEY, pattern(10));
        write(MANIFEST_KEY, pattern(3));
        adapter.delete(DUMP_KEY);
        assertThat(adapter.stat(DUMP_KEY)).isEmpty();
        assertThatThrownBy(() -> adapter.read(DUMP_KEY).close()).isInstanceOf(IOException.class);
        assertThat(adapter.list("")).extracting(ObjectInfo::key).containsExactly(MANIFEST_KEY);

        adapter.delete(DUMP_KEY);
        adapter.delete("db/never-written/manifest.json");
        assertThat(adapter.list("")).extracting(ObjectInfo::key).containsExactly(MANIFEST_KEY);
    }

    @Test
    void missingObjectsHaveNoStatAndFailToRead() throws IOException {
        write("db/other/manifest.json", pattern(1));
        assertThat(adapter.stat(MANIFEST_KEY)).isEmpty();
        assertThatThrownBy(() -> adapter.read(MANIFEST_KEY).close())
                .as("read of a missing object")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> adapter.read(MANIFEST_KEY, 0, 10).close())
                .as("ranged read of a missing object")
                .isInstanceOf(IOException.class);
    }

    @Test
    void largeStreamWrittenInOddChunksReadsBackIdentical() throws IOException {
        int size = largeObjectSize();
        byte[] content = new byte[size];
        new Random(20261125).nextBytes(content);
        int[] chunkSizes = {1, 7919, 65_537, 3, 1_048_583, 104_729};
        try (PendingObject pending = adapter.create(DUMP_KEY)) {
            OutputStream out = pending.output();
            int offset = 0;
            for (int i = 0; offset < size; i++) {
                int n = Math.min(chunkSizes[i % chunkSizes.length], size - offset);
                if (n == 1) {
                    out.write(content[offset]);
                } else {
                    out.write(content, offset, n);
                }
                offset += n;
            }
            pending.commit();
        }
        assertThat(adapter.stat(DUMP_KEY).orElseThrow().size()).isEqualTo(size);

        MessageDigest read = sha256();
        try (InputStream in = new DigestInputStream(adapter.read(DUMP_KEY), read)) {
            byte[] buffer = new byte[12_345];
            while (in.read(buffer) >= 0) {
                // the digest sees every byte
            }
        }
        assertThat(read.digest()).isEqualTo(sha256().digest(content));

        int middle = size / 2 + 17;
        assertThat(readRange(DUMP_KEY, middle, 100_000))
                .isEqualTo(Arrays.copyOfRange(content, middle, middle + 100_000));
    }

    @Test
    void backupLayoutKeysWorkAndListPerBackup() throws IOException {
        write(DUMP_KEY, pattern(64));
        write(MANIFEST_KEY, pattern(32));
        write("db/20261126T020000Z-0b1c/manifest.json", pattern(16));
        write("db_archive/20261125T020000Z-7f3a/manifest.json", pattern(8));

        assertThat(adapter.list("db/20261125T020000Z-7f3a/"))
                .extracting(ObjectInfo::key, ObjectInfo::size)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DUMP_KEY, 64L),
                        org.assertj.core.groups.Tuple.tuple(MANIFEST_KEY, 32L));
        assertThat(adapter.list("db/")).hasSize(3);
        assertThat(adapter.describe()).isNotBlank();
    }

    /** Writes and commits an object. */
    protected void write(String key, byte[] content) throws IOException {
        try (PendingObject pending = adapter.create(key)) {
            pending.output().write(content);
            pending.commit();
        }
    }

    /** Reads a whole object. */
    protected byte[] readAll(String key) throws IOException {
        try (InputStream in = adapter.read(key)) {
            return in.readAllBytes();
        }
    }

    private byte[] readRange(String key, long offset, long length) throws IOException {
        try (InputStream in = adapter.read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + i / 256);
        }
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
