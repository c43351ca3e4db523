package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.CopyRequest;
import dev.pgkeep.core.CopyResult;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.InMemoryStorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code copy} between two in-memory repositories: manifest last, checksum on the way, idempotent. */
class CopyCommandTest {
    @Test
    void copiesEveryGoodBackupOnceWithIdenticalBytesAndSkipsThemTheNextTime(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest first = fx.backUp(service, 3);
        BackupManifest second = fx.backUp(service, 4);
        InMemoryStorageAdapter target = new InMemoryStorageAdapter();

        CopyResult result = service.copy(CopyRequest.all(null, target).by(Trigger.TEST, "tester"));
        assertThat(result.copied()).extracting(BackupManifest::id).containsExactly(first.id(), second.id());
        assertThat(result.complete()).isTrue();
        for (StorageAdapter.ObjectInfo o : fx.storage.list("")) {
            assertThat(target.read(o.key()).readAllBytes())
                    .as(o.key())
                    .isEqualTo(fx.storage.read(o.key()).readAllBytes());
        }
        assertThat(target.list("")).hasSameSizeAs(fx.storage.list(""));
        BackupService copyService = BackupService.builder().storage(target).build();
        assertThat(copyService.list(null)).extracting(BackupManifest::id).containsExactly(second.id(), first.id());
        assertThat(fx.events)
                .filteredOn(
                        e -> e.operation() == BackupEvent.Operation.COPY && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .hasSize(2);

        CopyResult again = service.copy(CopyRequest.latest(null, target));
        assertThat(again.copied()).isEmpty();
        assertThat(again.alreadyPresent()).extracting(BackupManifest::id).containsExactly(second.id());
        assertThat(again.bytesCopied()).isZero();
    }

    @Test
    void aCorruptSourceIsRefusedAndLeavesNothingInTheTarget(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest m = fx.backUp(service, 5);
        String key = "app/" + m.id().value() + "/" + m.dumpObject();
        byte[] stored = fx.storage.read(key).readAllBytes();
        stored[stored.length / 2] ^= 1;
        fx.storage.overwrite(key, stored);
        InMemoryStorageAdapter target = new InMemoryStorageAdapter();

        assertThatThrownBy(() -> service.copy(CopyRequest.backup(m.id(), target)))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY))
                .hasMessageContaining("corrupt");
        assertThat(target.list("")).isEmpty();
        // with --all the failure is reported, not thrown
        CopyResult all = service.copy(CopyRequest.all(null, target));
        assertThat(all.complete()).isFalse();
        assertThat(all.failed()).extracting(CopyResult.Failure::kind).containsExactly(ErrorKind.INTEGRITY);
        assertThat(target.list("")).isEmpty();
    }

    @Test
    void aCopyCutWhileWritingTheManifestIsNotListedAndTheNextRunCompletesIt(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest m = fx.backUp(service, 5);
        InMemoryStorageAdapter real = new InMemoryStorageAdapter();
        StorageAdapter cutAtManifest = new FailingManifestWrites(real);

        assertThatThrownBy(() -> service.copy(CopyRequest.backup(m.id(), cutAtManifest)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("disk gone");
        BackupService target = BackupService.builder().storage(real).build();
        assertThat(target.list(null)).isEmpty();
        assertThat(real.list(""))
                .extracting(StorageAdapter.ObjectInfo::key)
                .noneMatch(k -> k.endsWith("manifest.json"));

        assertThat(service.copy(CopyRequest.backup(m.id(), real)).copied()).hasSize(1);
        assertThat(target.list(null)).extracting(BackupManifest::id).containsExactly(m.id());
    }

    @Test
    void theSameRepositoryAndADifferentBackupUnderTheSameIdAreRefused(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest m = fx.backUp(service, 5);
        assertThatThrownBy(() -> service.copy(CopyRequest.latest(null, fx.storage)))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.BAD_INPUT));

        InMemoryStorageAdapter target = new InMemoryStorageAdapter();
        service.copy(CopyRequest.backup(m.id(), target));
        String manifestKey = "app/" + m.id().value() + "/manifest.json";
        String forged = new String(target.read(manifestKey).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .replace(m.sha256(), "0".repeat(64));
        target.overwrite(manifestKey, forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> service.copy(CopyRequest.backup(m.id(), target)))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.REFUSED))
                .hasMessageContaining("different backup");
        assertThat(new String(target.read(manifestKey).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(forged);
    }

    /** Real in-memory storage whose manifest writes fail before they commit. */
    private record FailingManifestWrites(InMemoryStorageAdapter delegate) implements StorageAdapter {
        @Override
        public PendingObject create(String key) throws IOException {
            PendingObject real = delegate.create(key);
            if (!key.endsWith("manifest.json")) {
                return real;
            }
            return new PendingObject() {
                @Override
                public OutputStream output() {
                    return real.output();
                }

                @Override
                public void commit() throws IOException {
                    throw new IOException("disk gone");
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }

        @Override
        public InputStream read(String key) throws IOException {
            return delegate.read(key);
        }

        @Override
        public InputStream read(String key, long offset, long length) throws IOException {
            return delegate.read(key, offset, length);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) {
            delegate.delete(key);
        }

        @Override
        public int removeIncompleteWrites(Duration olderThan) {
            return 0;
        }

        @Override
        public String describe() {
            return "failing:" + delegate.describe();
        }
    }
}
