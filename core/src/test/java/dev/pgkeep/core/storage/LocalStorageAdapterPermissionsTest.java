package dev.pgkeep.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local repository holds whole databases: only its owner may read what pgkeep writes there. */
class LocalStorageAdapterPermissionsTest {
    @Test
    void foldersAreOwnerOnlyAndFilesOwnerReadWrite(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("repo");
        LocalStorageAdapter storage = new LocalStorageAdapter(root).ensureWritable();
        try (StorageAdapter.PendingObject object = storage.create("shop/20261201T020000Z-7f3a/dump.pgc.zst")) {
            object.output().write("data".getBytes(StandardCharsets.UTF_8));
            object.commit();
        }
        Path backup = root.resolve("shop/20261201T020000Z-7f3a");
        for (Path folder : new Path[] {root, root.resolve("shop"), backup}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                    .as(folder.toString())
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve("dump.pgc.zst"))))
                .isEqualTo("rw-------");
    }
}
