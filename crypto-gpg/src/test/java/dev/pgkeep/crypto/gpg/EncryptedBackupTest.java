package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Encrypted backups through the real {@link BackupService}, pg_dump and pg_restore. */
class EncryptedBackupTest {

    @TempDir
    static Path keys;

    static PostgresServer pg;
    static String source;
    static DatabaseFingerprint sourceFingerprint;
    static TestKeys.KeyPairFiles keyA;
    static TestKeys.KeyPairFiles keyB;

    @TempDir
    Path work;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
        source = PostgresServer.uniqueDatabaseName("crypto_source");
        SampleDatabase.create(pg, source);
        sourceFingerprint = DatabaseFingerprint.of(pg, source);
        keyA = TestKeys.generate(keys, "key-a", "passphrase of key A");
        keyB = TestKeys.generate(keys, "key-b", "passphrase of key B");
    }

    @Test
    void backupsMadeBeforeAndAfterAKeyRotationBothRestore() {
        Path repository = work.resolve("repo");
        BackupId beforeRotation =
                service(repository, keyA.encryptOnly()).backup(request()).id();
        BackupId afterRotation =
                service(repository, keyB.encryptOnly()).backup(request()).id();
        BackupService restores = service(
                repository,
                OpenPgpEncryptor.builder()
                        .decryptionKey(keyB.secretKey(), keyB.passphrase())
                        .decryptionKey(keyA.secretKey(), keyA.passphrase())
                        .build());

        assertThat(restores.get(beforeRotation).orElseThrow().encryption())
                .isEqualTo(new BackupManifest.Encryption("openpgp", List.of(keyA.fingerprint())));
        assertThat(restores.get(afterRotation).orElseThrow().encryption())
                .isEqualTo(new BackupManifest.Encryption("openpgp", List.of(keyB.fingerprint())));
        for (BackupId id : List.of(beforeRotation, afterRotation)) {
            String target = PostgresServer.uniqueDatabaseName("crypto_rotated");
            restores.restore(RestoreRequest.builder(new RestoreSource.ById(id), pg.connection(target))
                    .createDatabase(true)
                    .safetyBackup(false)
                    .build());
            assertThat(sourceFingerprint.diff(DatabaseFingerprint.of(pg, target)))
                    .as("restore of " + id)
                    .isEmpty();
            pg.dropDatabase(target);
        }
    }

    @Test
    void theSafetyBackupBeforeARestoreIsEncryptedToTheRestoringKey() {
        Path repository = work.resolve("repo");
        BackupId backup =
                service(repository, keyA.encryptOnly()).backup(request()).id();
        String target = PostgresServer.uniqueDatabaseName("crypto_safety");
        SampleDatabase.create(pg, target);
        pg.psql(target, "INSERT INTO public.empty_table VALUES (7, 'previous contents')");
        DatabaseFingerprint previous = DatabaseFingerprint.of(pg, target);
        BackupService restores = service(repository, keyA.decryptOnly());

        RestoreResult result =
                restores.restore(RestoreRequest.builder(new RestoreSource.ById(backup), pg.connection(target))
                        .force(true)
                        .build());

        assertThat(sourceFingerprint.diff(DatabaseFingerprint.of(pg, target))).isEmpty();
        BackupId safetyId = result.safetyBackupId();
        assertThat(safetyId).isNotNull();
        assertThat(restores.get(safetyId).orElseThrow().encryption())
                .isEqualTo(new BackupManifest.Encryption("openpgp", List.of(keyA.fingerprint())));
        String restoredBack = PostgresServer.uniqueDatabaseName("crypto_safety_back");
        restores.restore(RestoreRequest.builder(new RestoreSource.ById(safetyId), pg.connection(restoredBack))
                .createDatabase(true)
                .safetyBackup(false)
                .build());
        assertThat(previous.diff(DatabaseFingerprint.of(pg, restoredBack))).isEmpty();
        pg.dropDatabase(target);
        pg.dropDatabase(restoredBack);
    }

    // The stored object's SHA-256 is proven against the manifest, so decryption streams into pg_restore: the restoring
    // service's temp folder cannot even be created (it lies under a regular file), and the restore still succeeds.
    @Test
    void anEncryptedStoredBackupStreamsIntoPgRestoreWithoutADecodedTempFile() throws IOException {
        Path repository = work.resolve("repo");
        BackupId id = service(repository, keyA.encryptOnly()).backup(request()).id();
        Path notAFolder = Files.writeString(work.resolve("not-a-folder"), "a file");
        BackupService restores = BackupService.builder()
                .database(pg.connection(source))
                .storage(new LocalStorageAdapter(repository))
                .encryptor(keyA.decryptOnly())
                .toolsDirectory(pg.binDir())
                .tempDirectory(notAFolder.resolve("tmp"))
                .build();
        String target = PostgresServer.uniqueDatabaseName("crypto_streamed");

        restores.restore(RestoreRequest.builder(new RestoreSource.ById(id), pg.connection(target))
                .createDatabase(true)
                .safetyBackup(false)
                .build());

        assertThat(sourceFingerprint.diff(DatabaseFingerprint.of(pg, target))).isEmpty();
        pg.dropDatabase(target);
        // the same service with --jobs 2 needs the decoded file pg_restore seeks in, and says where it failed
        assertThatThrownBy(
                        () -> restores.restore(RestoreRequest.builder(new RestoreSource.ById(id), pg.connection(target))
                                .createDatabase(true)
                                .safetyBackup(false)
                                .jobs(2)
                                .build()))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("temp folder " + notAFolder.resolve("tmp"));
        assertThat(pg.databaseExists(target)).isFalse();
    }

    @ParameterizedTest(name = "backup jobs {0}")
    @ValueSource(ints = {1, 2})
    void theWrongSecretKeyLeavesAnExistingTargetUnchanged(int jobs) {
        Path repository = work.resolve("repo");
        BackupId id = service(repository, keyB.encryptOnly())
                .backup(request().withJobs(jobs))
                .id();
        String target = PostgresServer.uniqueDatabaseName("crypto_wrong_key_kept");
        SampleDatabase.create(pg, target);
        pg.psql(target, "INSERT INTO public.empty_table VALUES (3, 'must survive')");
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);

        assertThatThrownBy(() -> service(repository, keyA.decryptOnly())
                        .restore(RestoreRequest.builder(new RestoreSource.ById(id), pg.connection(target))
                                .force(true)
                                .safetyBackup(false)
                                .build()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("was encrypted to key");
        assertThat(before.diff(DatabaseFingerprint.of(pg, target))).isEmpty();
        pg.dropDatabase(target);
    }

    @Test
    void theWrongSecretKeyFailsClearlyAndCreatesNothing() {
        Path repository = work.resolve("repo");
        BackupId afterRotation =
                service(repository, keyB.encryptOnly()).backup(request()).id();
        String target = PostgresServer.uniqueDatabaseName("crypto_wrong_key");

        assertThatThrownBy(() -> service(repository, keyA.decryptOnly())
                        .restore(RestoreRequest.builder(new RestoreSource.ById(afterRotation), pg.connection(target))
                                .createDatabase(true)
                                .safetyBackup(false)
                                .build()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("was encrypted to key")
                .hasMessageContaining("not to any key in " + keyA.secretKey());
        assertThat(pg.databaseExists(target)).isFalse();
    }

    @Test
    void aMissingOrWrongKeyFailsVerifyAndRestoreWithoutMarkingTheBackupBad() {
        Path repository = work.resolve("repo");
        BackupId id = service(repository, keyB.encryptOnly()).backup(request()).id();
        String target = PostgresServer.uniqueDatabaseName("crypto_no_key");
        for (Encryptor keys : List.of(Encryptor.NONE, keyA.decryptOnly())) {
            BackupService service = service(repository, keys);
            assertThatThrownBy(() -> service.verify(VerifyRequest.of(new RestoreSource.ById(id), Trigger.TEST)))
                    .isInstanceOfSatisfying(
                            PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT));
            assertThatThrownBy(() ->
                            service.restore(RestoreRequest.builder(new RestoreSource.ById(id), pg.connection(target))
                                    .createDatabase(true)
                                    .safetyBackup(false)
                                    .build()))
                    .isInstanceOfSatisfying(
                            PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT));
            // the key was the problem, not the backup: it is still as good as it was
            assertThat(service.get(id).orElseThrow().verification()).isNull();
        }
        assertThat(pg.databaseExists(target)).isFalse();
        service(repository, keyB.decryptOnly()).verify(VerifyRequest.of(new RestoreSource.ById(id), Trigger.TEST));
    }

    // Without compression only the OpenPGP integrity check (MDC) can notice the flipped byte.
    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void aFlippedCiphertextByteFailsWithExitCode4AndLeavesTheTargetUnchanged(String codec) throws IOException {
        Path repository = work.resolve("repo");
        BackupService service = service(repository, keyA.encryptor(), Codec.of(codec, null));
        service.backup(request());
        Path tampered = work.resolve("tampered.pgp");
        byte[] ciphertext = Files.readAllBytes(storedDump(repository));
        ciphertext[ciphertext.length / 2] ^= 0x01;
        Files.write(tampered, ciphertext);
        String target = PostgresServer.uniqueDatabaseName("crypto_tamper_target");
        SampleDatabase.create(pg, target);
        pg.psql(target, "INSERT INTO public.empty_table VALUES (1, 'must survive')");
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);

        assertThatThrownBy(() ->
                        service.restore(RestoreRequest.builder(RestoreSource.file(tampered), pg.connection(target))
                                .force(true)
                                .safetyBackup(false)
                                .build()))
                .isInstanceOf(IntegrityException.class)
                .satisfies(e -> assertThat(((PgkeepException) e).kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThat(before.diff(DatabaseFingerprint.of(pg, target))).isEmpty();
        pg.dropDatabase(target);
    }

    @Test
    void aPgkeepBackupRecoversWithGpgZstdAndPgRestoreAlone() throws Exception {
        Assumptions.assumeTrue(
                GnuPg.version().isPresent(),
                "SKIPPED: no gpg binary on the PATH, so the gpg-only recovery test cannot run; install GnuPG");
        GnuPg gpg = GnuPg.withHome(work.resolve("gnupg"));
        try {
            String passphrase = "recovery passphrase";
            String fingerprint = gpg.generateKey("Recovery <recovery@pgkeep.test>", "ed25519", "cv25519", passphrase);
            Path publicKey = gpg.exportPublic(fingerprint, work.resolve("recovery.asc"), true);
            Path repository = work.resolve("repo");
            BackupService service = service(
                    repository, OpenPgpEncryptor.builder().recipient(publicKey).build());

            BackupManifest manifest = service.backup(request()).manifest();

            assertThat(manifest.encryption()).isEqualTo(new BackupManifest.Encryption("openpgp", List.of(fingerprint)));
            assertThat(service.list(source))
                    .extracting(BackupManifest::encryption)
                    .contains(manifest.encryption());
            Path stored = storedDump(repository);
            assertThat(stored.getFileName().toString()).isEqualTo("dump.pgc.zst.pgp");
            // The documented gpg-only recovery: gpg --decrypt, then zstd -d, then pg_restore.
            GnuPg.Result decrypted = gpg.run(
                    (passphrase + "\n").getBytes(StandardCharsets.UTF_8),
                    "--pinentry-mode",
                    "loopback",
                    "--passphrase-fd",
                    "0",
                    "--output",
                    work.resolve("dump.pgc.zst").toString(),
                    "--decrypt",
                    stored.toString());
            assertThat(decrypted.exitCode()).as(decrypted.stderr()).isZero();
            Path archive = decompress(work.resolve("dump.pgc.zst"), work.resolve("dump.pgc"));
            String listing = run(List.of(pg.binDir().resolve("pg_restore").toString(), "--list", archive.toString()));
            assertThat(listing).contains("TABLE DATA inventory items").contains("TABLE DATA public documents");
        } finally {
            gpg.stopAgent();
        }
    }

    private BackupService service(Path repository, Encryptor encryptor) {
        return service(repository, encryptor, Codec.zstd(3));
    }

    private BackupService service(Path repository, Encryptor encryptor, Codec codec) {
        return BackupService.builder()
                .database(pg.connection(source))
                .storage(new LocalStorageAdapter(repository))
                .encryptor(encryptor)
                .codec(codec)
                .toolsDirectory(pg.binDir())
                .tempDirectory(work)
                .build();
    }

    private static BackupRequest request() {
        return BackupRequest.of(Trigger.TEST);
    }

    private static Path storedDump(Path repository) throws IOException {
        try (Stream<Path> files = Files.walk(repository)) {
            return files.filter(f -> f.getFileName().toString().startsWith("dump.pgc"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** With the zstd program when installed (as the runbook does), else with pgkeep's own codec. */
    private static Path decompress(Path compressed, Path target) throws Exception {
        if (onPath("zstd")) {
            run(List.of("zstd", "-q", "-d", compressed.toString(), "-o", target.toString()));
        } else {
            try (InputStream in = Codec.zstd(3).decompress(Files.newInputStream(compressed))) {
                Files.copy(in, target);
            }
        }
        return target;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + ": " + output).isZero();
        return output;
    }
}
