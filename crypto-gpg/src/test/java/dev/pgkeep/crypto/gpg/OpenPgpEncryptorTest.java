package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Random;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenPgpEncryptorTest {

    private static final String OLD_PASSPHRASE = "correct horse battery staple";
    private static final String NEW_PASSPHRASE = "Tr0ub4dor&3 rotated";

    @TempDir
    static Path keys;

    @TempDir
    Path work;

    static TestKeys.KeyPairFiles oldKey;
    static TestKeys.KeyPairFiles newKey;

    @BeforeAll
    static void generateKeys() {
        oldKey = TestKeys.generate(keys, "old", OLD_PASSPHRASE);
        newKey = TestKeys.generate(keys, "new", NEW_PASSPHRASE);
    }

    @Test
    void backupsFromBeforeAndAfterAKeyRotationEachRestoreWithTheirOwnKey() throws IOException {
        byte[] beforeRotation = bytes(50_000, 1);
        byte[] afterRotation = bytes(50_000, 2);
        byte[] oldBackup = encrypt(oldKey.encryptOnly(), beforeRotation);
        byte[] newBackup = encrypt(newKey.encryptOnly(), afterRotation);

        OpenPgpEncryptor bothKeys = OpenPgpEncryptor.builder()
                .decryptionKey(newKey.secretKey(), newKey.passphrase())
                .decryptionKey(oldKey.secretKey(), oldKey.passphrase())
                .build();

        assertThat(decrypt(bothKeys, oldBackup)).isEqualTo(beforeRotation);
        assertThat(decrypt(bothKeys, newBackup)).isEqualTo(afterRotation);
        assertThat(decrypt(oldKey.decryptOnly(), oldBackup)).isEqualTo(beforeRotation);
        assertThat(decrypt(newKey.decryptOnly(), newBackup)).isEqualTo(afterRotation);
    }

    @Test
    void theWrongKeyNamesTheBackupsKeyAndTheKeyFile() throws IOException {
        byte[] newBackup = encrypt(newKey.encryptOnly(), bytes(1000, 3));
        String newEncryptionKeyId = Recipient.keyId(encryptionKeyId(newKey));

        assertThatThrownBy(() -> oldKey.decryptOnly().decrypt(new ByteArrayInputStream(newBackup)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("was encrypted to key " + newEncryptionKeyId)
                .hasMessageContaining("not to any key in " + oldKey.secretKey());
    }

    @Test
    void aWrongPassphraseFailsWhenTheEncryptorIsBuiltWithoutQuotingIt() {
        String wrong = "not-the-passphrase-" + System.nanoTime();

        assertThatThrownBy(() -> OpenPgpEncryptor.builder()
                        .decryptionKey(oldKey.secretKey(), Secret.of(wrong))
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("wrong passphrase")
                .hasMessageContaining(oldKey.secretKey().toString())
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(wrong).doesNotContain(OLD_PASSPHRASE));
    }

    @Test
    void thePassphraseNeverAppearsInLogsMessagesOrToString() throws IOException {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringBuilder texts = new StringBuilder();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            System.setOut(capture);
            OpenPgpEncryptor encryptor = oldKey.encryptor();
            texts.append(encryptor).append(oldKey.passphrase());
            byte[] backup = encrypt(encryptor, bytes(10_000, 4));
            decrypt(encryptor, backup);
            backup[backup.length / 2] ^= 0x40;
            texts.append(fullText(catchThrowable(() -> decrypt(encryptor, backup))));
            texts.append(
                    fullText(catchThrowable(() -> newKey.decryptOnly().decrypt(new ByteArrayInputStream(backup)))));
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String everything = texts + captured.toString(StandardCharsets.UTF_8);

        assertThat(everything).contains("DEBUG").doesNotContain(OLD_PASSPHRASE).doesNotContain(NEW_PASSPHRASE);
    }

    @Test
    void anEncryptOnlyEncryptorSaysThatRestoreNeedsADecryptionKey() throws IOException {
        byte[] backup = encrypt(oldKey.encryptOnly(), bytes(100, 5));

        assertThatThrownBy(() -> oldKey.encryptOnly().decrypt(new ByteArrayInputStream(backup)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("restore needs --decrypt-key");
    }

    @Test
    void aDecryptOnlyEncryptorEncryptsToItsOwnPublicKeys() throws IOException {
        byte[] safetyBackup = bytes(5000, 10);

        byte[] ciphertext = encrypt(oldKey.decryptOnly(), safetyBackup);

        assertThat(oldKey.decryptOnly().describe().recipients()).containsExactly(oldKey.fingerprint());
        assertThat(decrypt(oldKey.decryptOnly(), ciphertext)).isEqualTo(safetyBackup);
        assertThatThrownBy(() -> decrypt(newKey.decryptOnly(), ciphertext)).isInstanceOf(BadInputException.class);
    }

    @Test
    void aSignOnlyPublicKeyIsRejectedAtStartUp() {
        TestKeys.KeyPairFiles signOnly = TestKeys.generateSignOnly(work, "signer", "x");

        assertThatThrownBy(() -> OpenPgpEncryptor.builder()
                        .recipient(signOnly.publicKey())
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(signOnly.fingerprint())
                .hasMessageContaining("can only sign");
    }

    @Test
    void aSecretKeyIsRefusedAsARecipient() {
        assertThatThrownBy(() ->
                        OpenPgpEncryptor.builder().recipient(oldKey.secretKey()).build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("SECRET key")
                .hasMessageContaining("gpg --export --armor");
    }

    @Test
    void aPublicKeyGivenAsDecryptionKeyIsExplained() {
        assertThatThrownBy(() -> OpenPgpEncryptor.builder()
                        .decryptionKey(oldKey.publicKey(), oldKey.passphrase())
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(oldKey.publicKey().toString())
                .hasMessageContaining("holds the public key " + oldKey.fingerprint() + ", not its secret key")
                .hasMessageContaining("gpg --export-secret-keys");
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = work.resolve("nope.asc");

        assertThatThrownBy(() -> OpenPgpEncryptor.builder().recipient(missing).build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(missing + " does not exist");
    }

    @Test
    void aFileWithoutKeysIsRejected() throws IOException {
        Path notAKey = Files.writeString(work.resolve("notes.txt"), "hello, I am not a key\n");

        assertThatThrownBy(() -> OpenPgpEncryptor.builder().recipient(notAKey).build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(notAKey.toString());
    }

    @Test
    void binaryKeyFilesAndKeyStreamsWorkLikeArmoredFiles() throws IOException {
        Path binaryPublic = dearmor(oldKey.publicKey(), work.resolve("old.pub.gpg"));
        Path binarySecret = dearmor(oldKey.secretKey(), work.resolve("old.sec.gpg"));
        assertThat(Files.readAllBytes(binaryPublic)[0] & 0x80)
                .as("binary packet tag")
                .isEqualTo(0x80);
        byte[] plaintext = bytes(20_000, 6);

        OpenPgpEncryptor fromBinary = OpenPgpEncryptor.builder()
                .recipient(binaryPublic)
                .decryptionKey(binarySecret, oldKey.passphrase())
                .build();
        OpenPgpEncryptor fromStreams = OpenPgpEncryptor.builder()
                .recipient(Files.newInputStream(oldKey.publicKey()), "classpath:old.pub.asc")
                .decryptionKey(Files.newInputStream(binarySecret), "classpath:old.sec.gpg", oldKey.passphrase())
                .build();

        assertThat(decrypt(fromStreams, encrypt(fromBinary, plaintext))).isEqualTo(plaintext);
        assertThat(decrypt(fromBinary, encrypt(fromStreams, plaintext))).isEqualTo(plaintext);
    }

    @Test
    void theManifestRecordsTheRecipientsFingerprints() throws IOException {
        Path keyRing = work.resolve("ring.asc");
        Files.writeString(keyRing, Files.readString(oldKey.publicKey()) + "\n" + Files.readString(newKey.publicKey()));

        OpenPgpEncryptor toKeyRing =
                OpenPgpEncryptor.builder().recipient(keyRing).build();
        OpenPgpEncryptor twice = OpenPgpEncryptor.builder()
                .recipient(oldKey.publicKey())
                .recipient(oldKey.publicKey())
                .build();

        assertThat(toKeyRing.describe().type()).isEqualTo("openpgp");
        assertThat(toKeyRing.describe().recipients()).containsExactly(oldKey.fingerprint(), newKey.fingerprint());
        assertThat(twice.describe().recipients()).containsExactly(oldKey.fingerprint());
        assertThat(oldKey.fingerprint()).matches("[0-9A-F]{40}");
        assertThat(toKeyRing.fileSuffix()).isEqualTo(".pgp");
    }

    @Test
    void aMessageWithoutIntegrityProtectionIsRefused() throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(
                Recipient.read(Files.readAllBytes(oldKey.publicKey()), "old", Instant.now())
                        .get(0)
                        .encryptionKey()));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(sink, new byte[4096]);
                OutputStream literal = new PGPLiteralDataGenerator()
                        .open(encrypted, PGPLiteralData.BINARY, "", new Date(), new byte[4096])) {
            literal.write(bytes(1000, 7));
        }

        assertThatThrownBy(() -> decrypt(oldKey.decryptOnly(), sink.toByteArray()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("without integrity protection");
    }

    @Test
    void aStorageReadFailureStaysAnIoErrorNotAnIntegrityFailure() throws IOException {
        byte[] backup = encrypt(oldKey.encryptOnly(), bytes(300_000, 8));
        InputStream failingHalfway = new InputStream() {
            private final InputStream delegate = new ByteArrayInputStream(backup);
            private int served;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served > backup.length / 2) {
                    throw new IOException("connection reset by storage");
                }
                int n = delegate.read(b, off, Math.min(len, 1000));
                served += Math.max(n, 0);
                return n;
            }
        };

        assertThatThrownBy(() -> {
                    try (InputStream in = oldKey.decryptOnly().decrypt(failingHalfway)) {
                        in.readAllBytes();
                    }
                })
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("connection reset by storage");
    }

    @Test
    void passphrasesComeFromFilesAndEnvironmentVariables() throws IOException {
        Path file = Files.writeString(work.resolve("passphrase"), "secret with spaces\n");
        String unsetVariable = "PGKEEP_TEST_UNSET_" + System.nanoTime();

        assertThat(OpenPgpEncryptor.passphraseFromFile(file).reveal()).isEqualTo("secret with spaces");
        assertThat(OpenPgpEncryptor.passphraseFromEnv("PATH").reveal()).isEqualTo(System.getenv("PATH"));
        assertThatThrownBy(() -> OpenPgpEncryptor.passphraseFromEnv(unsetVariable))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(unsetVariable + " is not set");
        assertThatThrownBy(() -> OpenPgpEncryptor.passphraseFromFile(work.resolve("missing")))
                .isInstanceOf(BadInputException.class);
    }

    @Test
    void everyCipherEngineReadsWhatTheOthersWrote() throws IOException {
        byte[] plaintext = bytes(70_000, 9);
        for (CipherEngine writer : CipherEngine.values()) {
            for (CipherEngine reader : CipherEngine.values()) {
                byte[] ciphertext = encrypt(withEngine(writer), plaintext);
                assertThat(decrypt(withEngine(reader), ciphertext))
                        .as(writer + " -> " + reader)
                        .isEqualTo(plaintext);
            }
        }
    }

    @Test
    void anEncryptorNeedsAtLeastOneKey() {
        assertThatThrownBy(() -> OpenPgpEncryptor.builder().build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--encrypt-to")
                .hasMessageContaining("--decrypt-key");
    }

    private static OpenPgpEncryptor withEngine(CipherEngine engine) {
        return OpenPgpEncryptor.builder()
                .recipient(oldKey.publicKey())
                .decryptionKey(oldKey.secretKey(), oldKey.passphrase())
                .engine(engine)
                .build();
    }

    private static long encryptionKeyId(TestKeys.KeyPairFiles key) throws IOException {
        return Recipient.read(Files.readAllBytes(key.publicKey()), "key", Instant.now())
                .get(0)
                .encryptionKey()
                .getKeyID();
    }

    private static Path dearmor(Path armored, Path target) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(armored))) {
            Files.write(target, in.readAllBytes());
        }
        return target;
    }

    static byte[] encrypt(OpenPgpEncryptor encryptor, byte[] plaintext) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.encrypt(sink)) {
            out.write(plaintext);
        }
        return sink.toByteArray();
    }

    static byte[] decrypt(OpenPgpEncryptor encryptor, byte[] ciphertext) throws IOException {
        try (InputStream in = encryptor.decrypt(new ByteArrayInputStream(ciphertext))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String fullText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static Throwable catchThrowable(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
