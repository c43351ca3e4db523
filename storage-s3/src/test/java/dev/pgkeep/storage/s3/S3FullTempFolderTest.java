package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full temp folder (a 20 MB tmpfs; the tests run as root) while a 45 MB S3 backup is downloaded to be checked: verify
 * and restore are failed runs, the backup is not marked bad and the target is not created.
 */
@ExtendWith(PostgresExtension.class)
class S3FullTempFolderTest {
    private static S3Fixture s3;
    private static String source = "";

    @BeforeAll
    static void start(PostgresServer pg) throws Exception {
        s3 = S3Fixture.start();
        source = PostgresServer.uniqueDatabaseName("s3_tmpfull");
        SampleDatabase.createLarge(pg, source, 400_000);
    }

    @AfterAll
    static void stop(PostgresServer pg) {
        pg.dropDatabase(source);
        s3.close();
    }

    @Test
    void aFullTempFolderFailsVerifyAndRestoreWithoutMarkingTheBackupOrTouchingTheTarget(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        run("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", temp.toString());
        try {
            S3StorageAdapter storage = new S3StorageAdapter(
                    s3.client, s3.options(S3Fixture.uniquePrefix()).build());
            BackupService service = BackupService.builder()
                    .storage(storage)
                    .toolsDirectory(pg.binDir())
                    .codec(Codec.none())
                    .tempDirectory(temp)
                    .build();
            BackupManifest m = service.backup(BackupRequest.of(pg.connection(source), Trigger.TEST))
                    .manifest();
            assertThat(m.storedBytes()).isGreaterThan(20L * 1024 * 1024);

            assertThatThrownBy(() -> service.verify(VerifyRequest.of(RestoreSource.byId(m.id().value()), Trigger.TEST)))
                    .isInstanceOfSatisfying(PgkeepException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                        assertThat(e.getMessage()).contains("No space left on device", "unchanged");
                    });
            assertThat(service.get(m.id()).orElseThrow().verification()).isNull();

            String target = PostgresServer.uniqueDatabaseName("s3_tmpfull_target");
            assertThatThrownBy(() -> service.restore(
                            RestoreRequest.builder(RestoreSource.byId(m.id().value()), pg.connection(target))
                                    .createDatabase(true)
                                    .build()))
                    .isInstanceOfSatisfying(PgkeepException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
                        assertThat(e.getMessage()).contains("No space left on device");
                    });
            assertThat(pg.databaseExists(target)).isFalse();
            try (Stream<Path> left = Files.list(temp)) {
                assertThat(left).isEmpty();
            }
            assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(m.id());
        } finally {
            run("umount", "-l", temp.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }
}
