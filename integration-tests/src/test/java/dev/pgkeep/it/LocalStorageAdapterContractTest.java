package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.contract.StorageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract for the local folder adapter, plus what a killed writer leaves behind. */
class LocalStorageAdapterContractTest extends StorageAdapterContract {
    @TempDir
    Path tempDir;

    private Path root;

    @Override
    protected StorageAdapter createAdapter() {
        root = tempDir.resolve("repo-" + UUID.randomUUID());
        return new LocalStorageAdapter(root).ensureWritable();
    }

    /** A folder walk has no pages, and two fsyncs per object make 1,050 objects cost about 11 s here. */
    @Override
    protected int manyObjectsCount() {
        return 120;
    }

    @Test
    void aKilledWritersPartialFileIsNotListedAndIsRemovedAtOnceWhileALiveOneStays() throws IOException {
        write("db/20261125T020000Z-7f3a/manifest.json", new byte[] {1});
        // what a killed process leaves: a partial file whose lock died with it
        Path dead = root.resolve("db/20261125T020000Z-7f3a/dump.pgc.zst." + UUID.randomUUID() + ".partial");
        Files.write(dead, new byte[4096]);
        // and a write still running in this JVM
        PendingObject live = adapter.create(DUMP_KEY);
        live.output().write(new byte[4096]);
        live.output().flush();

        assertThat(adapter.list(""))
                .extracting(StorageAdapter.ObjectInfo::key)
                .containsExactly("db/20261125T020000Z-7f3a/manifest.json");
        assertThat(adapter.stat(DUMP_KEY)).isEmpty();
        assertThat(adapter.removeIncompleteWrites(Duration.ofHours(1)))
                .as("the dead writer's partial goes at once, whatever its age; the live one stays")
                .isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(filesUnder(root)).anyMatch(p -> p.getFileName().toString().endsWith(".partial"));

        live.close();
        assertThat(filesUnder(root)).containsExactly(root.resolve("db/20261125T020000Z-7f3a/manifest.json"));
        assertThat(adapter.list("")).hasSize(1);
    }

    @Test
    void closeWithoutCommitLeavesNoFileOrFolder() throws IOException {
        try (PendingObject pending = adapter.create("db/20261125T020000Z-7f3a/dump.pgc.zst")) {
            pending.output().write(new byte[100]);
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.toList()).containsExactly(root);
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }
}
