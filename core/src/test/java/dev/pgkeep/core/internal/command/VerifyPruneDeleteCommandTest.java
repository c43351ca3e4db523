package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.Codec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify}, {@code prune} and {@code delete} on in-memory storage. */
class VerifyPruneDeleteCommandTest {
    @Test
    void verifyRecordsOkAndATamperedObjectMarksTheBackupBad(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.builder().codec(Codec.none()).build();
        BackupManifest m = fx.backUp(service, 5);
        assertThat(service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST))
                        .method())
                .isEqualTo("checksum+list");
        assertThat(service.get(m.id()).orElseThrow().verification().ok()).isTrue();

        String key = "app/" + m.id().value() + "/" + m.dumpObject();
        byte[] stored = fx.storage.read(key).readAllBytes();
        stored[10] ^= 1;
        fx.storage.overwrite(key, stored);
        assertThatThrownBy(() -> service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST)))
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThat(service.get(m.id()).orElseThrow().verification().ok()).isFalse();
    }

    @Test
    void pruneKeepsTheNewestAndDryRunDeletesNothing(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest first = fx.backUp(service, 1);
        BackupManifest second = fx.backUp(service, 2);
        PruneResult dry = service.prune(new RetentionPolicy(0, 1), true);
        assertThat(dry.deleted()).extracting(BackupManifest::id).containsExactly(first.id());
        assertThat(service.list(null)).hasSize(2);
        service.prune(new RetentionPolicy(0, 1), false);
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(second.id());
        assertThat(fx.storage.list("app/" + first.id().value())).isEmpty();
    }

    @Test
    void deleteRemovesManifestAndDumpAndAnUnknownIdIsNotFound(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        BackupService service = fx.service();
        BackupManifest m = fx.backUp(service, 1);
        service.delete(m.id());
        assertThat(fx.storage.list("")).isEmpty();
        assertThatThrownBy(() -> service.delete(BackupId.parse("20200101T000000Z-abcd")))
                .satisfies(e -> {
                    assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(((PgkeepException) e).remedy()).isEqualTo(PgkeepException.Remedy.LIST_BACKUPS);
                });
    }
}
