package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.internal.command.FakeProcessRunner.Answer;
import dev.pgkeep.core.spi.Codec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify under faults: only integrity failures mark a backup bad; environmental ones are failed runs that leave the
 * manifest as it was; runs of one backup are exclusive; and a backup deleted while it is verified stays deleted. Also
 * the one backup fault these hooks reach: its dump removed by someone else while its manifest is written.
 */
class VerifyFaultsTest {
    private CommandFixture fx;
    private HookedStorage storage;
    private BackupService service;
    private BackupManifest backup;

    private void setUp(Path dir) throws IOException {
        setUp(dir, dir.resolve("tmp"));
    }

    private void setUp(Path dir, Path temp) throws IOException {
        fx = new CommandFixture(dir, "15.4");
        storage = new HookedStorage(fx.storage);
        service = fx.builder()
                .storage(storage)
                .codec(Codec.none())
                .tempDirectory(temp)
                .build();
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 5).bytes()));
        backup = service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();
    }

    private VerifyRequest verifyRequest() {
        return VerifyRequest.of(RestoreSource.byId(backup.id().value()), Trigger.TEST);
    }

    private boolean isDump(String key) {
        return key.endsWith("/" + backup.dumpObject());
    }

    private BackupManifest.Verification recorded() {
        return service.get(backup.id()).orElseThrow().verification();
    }

    @Test
    void aStorageReadErrorIsAFailedRunAndLeavesTheRecordedVerificationAlone(@TempDir Path dir) throws Exception {
        setUp(dir);
        service.verify(verifyRequest());
        BackupManifest.Verification good = recorded();
        assertThat(good.ok()).isTrue();

        storage.beforeRead = key -> {
            if (isDump(key)) {
                throw new IOException("Connection reset by peer");
            }
        };
        assertThatThrownBy(() -> service.verify(verifyRequest())).isInstanceOfSatisfying(PgkeepException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
            assertThat(e.getMessage()).contains("could not run", "Connection reset by peer");
        });
        assertThat(recorded()).isEqualTo(good);
    }

    @Test
    void aReadErrorInTheMiddleOfTheObjectIsAFailedRunToo(@TempDir Path dir) throws Exception {
        setUp(dir);
        // the stream fails after its first bytes, as an S3 connection dropped mid-download does
        BackupService midway = fx.builder()
                .storage(new HookedStorage(fx.storage) {
                    @Override
                    public java.io.InputStream read(String key) throws IOException {
                        java.io.InputStream in = super.read(key);
                        if (!isDump(key)) {
                            return in;
                        }
                        return new java.io.FilterInputStream(in) {
                            private int served;

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                if (served > 0) {
                                    throw new IOException("Premature end of Content-Length delimited message body");
                                }
                                int n = super.read(b, off, Math.min(len, 10));
                                served += n;
                                return n;
                            }
                        };
                    }
                })
                .codec(Codec.none())
                .tempDirectory(dir.resolve("tmp"))
                .build();
        assertThatThrownBy(() -> midway.verify(verifyRequest()))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(recorded()).isNull();
    }

    @Test
    void anUnusableTempFolderIsAFailedRun(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("tmp-is-a-file"), "x");
        setUp(dir, notAFolder.resolve("sub"));
        assertThatThrownBy(() -> service.verify(verifyRequest()))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(recorded()).isNull();
    }

    @Test
    void aPgRestoreOlderThanTheArchiveIsAFailedRunButADamagedArchiveMarksTheBackupBad(@TempDir Path dir)
            throws Exception {
        setUp(dir);
        fx.runner.on(
                "pg_restore",
                List.of("--list"),
                Answer.fail(1, "pg_restore: error: unsupported version (1.16) in file header\n"));
        assertThatThrownBy(() -> service.verify(verifyRequest())).isInstanceOfSatisfying(PgkeepException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
            assertThat(e.remedy()).isEqualTo(PgkeepException.Remedy.TOOLS);
        });
        assertThat(recorded()).isNull();

        fx.runner.on(
                "pg_restore",
                List.of("--list"),
                Answer.fail(1, "pg_restore: error: could not read from input file: end of file\n"));
        assertThatThrownBy(() -> service.verify(verifyRequest()))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThat(recorded().ok()).isFalse();
    }

    @Test
    void aMissingPgRestoreIsAFailedRun(@TempDir Path dir) throws Exception {
        setUp(dir);
        // pg_restore gone from the machine since the backup (the exec fails, as for a deleted program)
        BackupService elsewhere = fx.builder()
                .storage(storage)
                .codec(Codec.none())
                .tempDirectory(dir.resolve("tmp"))
                .processRunner((command, environment, workingDirectory) -> {
                    if (command.get(0).endsWith("pg_restore")) {
                        throw new IOException("Cannot run program \"pg_restore\": error=2, No such file or directory");
                    }
                    return fx.runner.start(command, environment, workingDirectory);
                })
                .build();
        assertThatThrownBy(() -> elsewhere.verify(verifyRequest()))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(recorded()).isNull();
    }

    @Test
    void aSecondVerifyOfTheSameBackupWhileTheFirstRunsIsInProgress(@TempDir Path dir) throws Exception {
        setUp(dir);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.beforeRead = key -> {
            if (isDump(key) && reading.getCount() > 0) {
                reading.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<?> first = CompletableFuture.supplyAsync(() -> service.verify(verifyRequest()));
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> service.verify(verifyRequest()))
                    .isInstanceOfSatisfying(
                            PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.IN_PROGRESS));
        } finally {
            release.countDown();
        }
        first.get(30, TimeUnit.SECONDS);
        assertThat(recorded().ok()).isTrue();
        // once the first ended, verifying again is allowed
        service.verify(verifyRequest());
    }

    @Test
    void aBackupDeletedWhileItsDumpIsReadIsNotBroughtBackByTheVerification(@TempDir Path dir) throws Exception {
        setUp(dir);
        storage.beforeRead = key -> {
            if (isDump(key)) {
                storage.beforeRead = k -> {};
                service.delete(backup.id()); // a concurrent delete or prune, at the worst moment
            }
        };
        try {
            service.verify(verifyRequest());
        } catch (PgkeepException e) {
            // the dump vanished under the verification: either outcome is fine, as long as nothing comes back
        }
        assertThat(service.list(null)).isEmpty();
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void aBackupDeletedJustBeforeTheVerificationIsRecordedIsNotBroughtBack(@TempDir Path dir) throws Exception {
        setUp(dir);
        storage.beforeCreate = key -> {
            if (key.endsWith("/manifest.json")) {
                storage.beforeCreate = k -> {};
                service.delete(backup.id()); // between the existence check and the write of the manifest
            }
        };
        service.verify(verifyRequest());
        assertThat(service.list(null)).isEmpty();
        assertThat(fx.storage.list("")).isEmpty();
    }

    @Test
    void aDumpRemovedWhileItsManifestIsWrittenFailsTheBackupAndListsNothing(@TempDir Path dir) throws Exception {
        setUp(dir);
        service.delete(backup.id());
        // another pgkeep, under a lock that is not this one's, removes the new dump as a leftover just then
        storage.beforeCreate = key -> {
            if (key.endsWith("/manifest.json")) {
                storage.beforeCreate = k -> {};
                for (var info : fx.storage.list("")) {
                    fx.storage.delete(info.key());
                }
            }
        };
        assertThatThrownBy(() -> service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("lost its dump");
        assertThat(service.list(null)).isEmpty();
        assertThat(fx.storage.list("")).isEmpty();
    }
}
