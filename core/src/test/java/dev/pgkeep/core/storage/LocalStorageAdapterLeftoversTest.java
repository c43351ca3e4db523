package dev.pgkeep.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.spi.StorageAdapter.ObjectInfo;
import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leftovers of the local adapter go as soon as their writer is provably dead (its file lock is free) and never while
 * it lives, in this JVM or another; a walk of the repository survives entries vanishing under it.
 */
class LocalStorageAdapterLeftoversTest {

    @Test
    void aPartialNobodyHoldsIsRemovedAtOnceWhateverItsAge(@TempDir Path dir) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(dir);
        Path partial = dir.resolve("app/20260101T000000Z-aaaa/dump.pgc.0b1c.partial");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[100]); // as a killed writer leaves it: its lock died with it

        assertThat(adapter.removeIncompleteWrites(Duration.ofDays(365))).isEqualTo(1);
        assertThat(partial).doesNotExist();
        assertThat(dir.resolve("app")).doesNotExist();
    }

    @Test
    void aWriteInProgressInThisJvmIsNeverRemovedAndStillCommits(@TempDir Path dir) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(dir);
        try (PendingObject pending = adapter.create("app/x/dump.pgc")) {
            pending.output().write(new byte[] {1, 2, 3});
            assertThat(adapter.removeIncompleteWrites(Duration.ZERO)).isZero();
            assertThat(adapter.removeIncompleteWrites("app/")).isZero();
            pending.commit();
        }
        assertThat(adapter.list("")).extracting(ObjectInfo::key).containsExactly("app/x/dump.pgc");
    }

    @Test
    void aCleanupInTheWritersJvmDoesNotHandItsLockToAnotherProcess(@TempDir Path dir) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(dir);
        try (PendingObject pending = adapter.create("app/x/dump.pgc")) {
            pending.output().write(new byte[] {1, 2, 3});
            // a cleanup here that opened and closed the partial would drop this process's POSIX lock on it
            assertThat(new LocalStorageAdapter(dir).removeIncompleteWrites(Duration.ZERO))
                    .isZero();
            Process cleaner = LocalAdapterProcess.start("clean", dir.toString());
            assertThat(LocalAdapterProcess.firstLine(cleaner)).isEqualTo("0");
            assertThat(cleaner.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pending.commit();
        }
        assertThat(adapter.list("")).extracting(ObjectInfo::key).containsExactly("app/x/dump.pgc");
    }

    @Test
    void aWriterInAnotherProcessKeepsItsPartialUntilItIsKilled(@TempDir Path dir) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(dir);
        Process writer = LocalAdapterProcess.start("write", dir.toString(), "app/x/dump.pgc");
        try {
            assertThat(LocalAdapterProcess.firstLine(writer)).isEqualTo("WRITING");
            assertThat(partials(dir)).hasSize(1);

            assertThat(adapter.removeIncompleteWrites(Duration.ZERO)).isZero();
            assertThat(adapter.removeIncompleteWrites("app/")).isZero();
            assertThat(partials(dir)).hasSize(1);
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // SIGKILL: the process had no chance to clean up, but the OS dropped its lock
        assertThat(partials(dir)).hasSize(1);
        assertThat(adapter.removeIncompleteWrites(Duration.ofDays(1))).isEqualTo(1);
        assertThat(partials(dir)).isEmpty();
    }

    @Test
    void aCommitFsyncsEveryFolderItCreatedInItsParent(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path root = Files.createDirectories(dir.resolve("repo"));
        Path trace = dir.resolve("trace.txt");
        // -y prints the path behind each descriptor: which folders were fsynced, and in what order
        Process commit = LocalAdapterProcess.start(
                List.of("/usr/bin/strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace.toString()),
                "commit",
                root.toString(),
                "newdb/20261125T020000Z-7f3a/dump.pgc");
        assertThat(commit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(commit.exitValue()).isZero();
        List<String> fsynced = Files.readAllLines(trace).stream()
                .filter(line -> line.contains("fsync(") && line.contains("= 0"))
                .map(line -> line.substring(line.indexOf('<') + 1, line.indexOf('>')))
                .toList();
        // the new folders' entries in their parents (root, newdb), the file, and the folder holding it after the rename
        assertThat(fsynced)
                .contains(
                        root.toString(),
                        root.resolve("newdb").toString(),
                        root.resolve("newdb/20261125T020000Z-7f3a").toString());
        assertThat(fsynced.indexOf(root.toString()))
                .isLessThan(fsynced.lastIndexOf(
                        root.resolve("newdb/20261125T020000Z-7f3a").toString()));
    }

    @Test
    void listingSurvivesEntriesVanishingMidWalk(@TempDir Path dir) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(dir);
        for (String key : List.of("a/1/dump.pgc", "a/1/manifest.json", "a/2/dump.pgc", "b/3/dump.pgc")) {
            try (PendingObject pending = adapter.create(key)) {
                pending.output().write(1);
                pending.commit();
            }
        }
        // at the first entry the walk visits, everything else vanishes (as concurrent renames and deletes would):
        // the entries already read from their folder then fail to be visited
        AtomicBoolean first = new AtomicBoolean(true);
        List<Path> vanished = new ArrayList<>();
        adapter.walkHook(entry -> {
            if (first.getAndSet(false)) {
                vanished.addAll(deleteAllBut(dir, entry));
            }
        });
        List<ObjectInfo> listed = adapter.list("");
        assertThat(vanished).isNotEmpty();
        assertThat(listed.size()).isLessThanOrEqualTo(1);
        for (ObjectInfo info : listed) {
            assertThat(dir.resolve(info.key())).exists();
        }
        assertThat(adapter.removeIncompleteWrites(Duration.ZERO)).isZero();
    }

    /** Deletes every file and folder under {@code root} except {@code keep} and the folders holding it. */
    private static List<Path> deleteAllBut(Path root, Path keep) throws IOException {
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (p.equals(root) || keep.startsWith(p) || p.startsWith(keep)) {
                    continue;
                }
                Files.delete(p);
                deleted.add(p);
            }
        }
        return deleted;
    }

    private static List<Path> partials(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial"))
                    .toList();
        }
    }
}
