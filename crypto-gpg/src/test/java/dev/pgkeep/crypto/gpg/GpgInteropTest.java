package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real {@code gpg} both ways, with keys gpg generates at test time. Skipped, with a
 * message, only where no gpg binary is installed.
 */
class GpgInteropTest {

    private static final String PASSPHRASE = "interop passphrase " + System.nanoTime();

    @TempDir
    static Path directory;

    static GnuPg gpg;
    static String curveKey;
    static String rsaKey;
    static Path curvePublic;
    static Path curveSecret;
    static Path rsaPublicBinary;
    static Path rsaSecret;

    @TempDir
    Path work;

    @BeforeAll
    static void generateKeysWithGpg() throws Exception {
        Optional<String> version = GnuPg.version();
        Assumptions.assumeTrue(
                version.isPresent(),
                "SKIPPED: no gpg binary on the PATH, so the gpg interoperability tests cannot run; install GnuPG"
                        + " (apt-get install gnupg) to run them");
        gpg = GnuPg.withHome(directory.resolve("gnupg"));
        curveKey = gpg.generateKey("Ops Curve <curve@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE);
        rsaKey = gpg.generateKey("Ops RSA <rsa@pgkeep.test>", "rsa2048", "rsa2048", PASSPHRASE);
        curvePublic = gpg.exportPublic(curveKey, directory.resolve("curve.pub.asc"), true);
        curveSecret = gpg.exportSecret(curveKey, PASSPHRASE, directory.resolve("curve.sec.asc"));
        rsaPublicBinary = gpg.exportPublic(rsaKey, directory.resolve("rsa.pub.gpg"), false);
        rsaSecret = gpg.exportSecret(rsaKey, PASSPHRASE, directory.resolve("rsa.sec.asc"));
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.stopAgent();
        }
    }

    @Test
    void gpgDecryptsWhatPgkeepEncryptedToCurveAndRsaKeys() throws Exception {
        byte[] plaintext = bytes(3 * 1024 * 1024 + 5, 1);
        OpenPgpEncryptor encryptor = OpenPgpEncryptor.builder()
                .recipient(curvePublic)
                .recipient(rsaPublicBinary)
                .build();
        Path encrypted = write(work.resolve("dump.pgc.zst.pgp"), encryptor, plaintext);

        GnuPg.Result result = decryptWithGpg(encrypted);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(plaintext);
        // 9 = AES-256; GOODMDC = gpg checked the integrity packet.
        assertThat(result.stderr()).contains("[GNUPG:] DECRYPTION_INFO 2 9").contains("[GNUPG:] GOODMDC");
        assertThat(encryptor.describe().recipients()).containsExactly(curveKey, rsaKey);
    }

    @Test
    void gpgDecryptsAnEmptyBackup() throws Exception {
        Path encrypted = write(
                work.resolve("empty.pgp"),
                OpenPgpEncryptor.builder().recipient(curvePublic).build(),
                new byte[0]);

        GnuPg.Result result = decryptWithGpg(encrypted);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void gpgRejectsATamperedPgkeepFileToo() throws Exception {
        Path encrypted = write(
                work.resolve("tampered.pgp"),
                OpenPgpEncryptor.builder().recipient(curvePublic).build(),
                bytes(100_000, 2));
        byte[] ciphertext = Files.readAllBytes(encrypted);
        ciphertext[ciphertext.length / 2] ^= 0x01;
        Files.write(encrypted, ciphertext);

        GnuPg.Result result = decryptWithGpg(encrypted);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("BADMDC");
    }

    @Test
    void aSecretKeyGpgMadeWithoutAPassphraseIsUsedWithoutOne() throws Exception {
        String userId = "No Passphrase <nopass@pgkeep.test>";
        // exactly as the issue has it: gpg --batch --passphrase '' --quick-gen-key
        gpg.ok(new byte[0], "--passphrase", "", "--quick-gen-key", userId, "default", "default");
        String fingerprint = gpg.fingerprint(userId);
        Path secret = Files.write(
                work.resolve("nopass.sec.asc"),
                gpg.ok(new byte[0], "--armor", "--export-secret-keys", fingerprint)
                        .stdout());
        byte[] plaintext = bytes(200_000, 9);
        Path encrypted = gpg.encrypt(
                Files.write(work.resolve("plain.bin"), plaintext), work.resolve("to-nopass.gpg"), fingerprint);

        OpenPgpEncryptor withoutPassphrase =
                OpenPgpEncryptor.builder().decryptionKey(secret).build();
        try (var in = withoutPassphrase.decrypt(Files.newInputStream(encrypted))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
        // a passphrase given anyway (a host that always sets one) does not get in the way
        OpenPgpEncryptor withOne = OpenPgpEncryptor.builder()
                .decryptionKey(Files.newInputStream(secret), "nopass.sec.asc", Secret.of("unused"))
                .build();
        try (var in = withOne.decrypt(Files.newInputStream(encrypted))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
        // a protected key still needs its passphrase, and says so
        assertThatThrownBy(() ->
                        OpenPgpEncryptor.builder().decryptionKey(curveSecret).build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("the secret key " + curveKey)
                .hasMessageContaining("is protected by a passphrase, and none was given")
                .satisfies(e -> assertThat(((BadInputException) e).remedy())
                        .isEqualTo(dev.pgkeep.core.PgkeepException.Remedy.DECRYPTION_KEY));
    }

    @Test
    void pgkeepDecryptsWhatGpgEncryptedWithItsDefaults() throws Exception {
        // gpg compresses by default, so this also covers a compressed packet inside the message.
        byte[] plaintext = "pg_dump output, compressible ".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        Path input = Files.write(work.resolve("plain.bin"), plaintext);
        Path encrypted = work.resolve("from-gpg.gpg");
        gpg.encrypt(input, encrypted, curveKey);

        assertThat(decryptWithPgkeep(encrypted, curveSecret)).isEqualTo(plaintext);
    }

    @Test
    void pgkeepDecryptsArmoredUncompressedAndSignedGpgMessages() throws Exception {
        byte[] plaintext = bytes(2 * 1024 * 1024, 3);
        Path input = Files.write(work.resolve("plain.bin"), plaintext);
        Path armored = work.resolve("armored.asc");
        Path signed = work.resolve("signed.gpg");
        gpg.encrypt(input, armored, rsaKey, "--armor", "--compress-algo", "none");
        gpg.encrypt(
                (PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8),
                input,
                signed,
                curveKey,
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                "0",
                "--local-user",
                curveKey,
                "--sign");

        assertThat(decryptWithPgkeep(armored, rsaSecret)).isEqualTo(plaintext);
        assertThat(decryptWithPgkeep(signed, curveSecret)).isEqualTo(plaintext);
    }

    @Test
    void pgkeepFindsItsKeyWhenGpgHidTheRecipient() throws Exception {
        byte[] plaintext = bytes(10_000, 5);
        Path input = Files.write(work.resolve("plain.bin"), plaintext);
        Path encrypted = work.resolve("hidden.gpg");
        gpg.encrypt(input, encrypted, curveKey, "--throw-keyids");
        OpenPgpEncryptor rsaThenCurve = OpenPgpEncryptor.builder()
                .decryptionKey(rsaSecret, Secret.of(PASSPHRASE))
                .decryptionKey(curveSecret, Secret.of(PASSPHRASE))
                .build();

        try (var in = rsaThenCurve.decrypt(Files.newInputStream(encrypted))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
        assertThatThrownBy(() -> decryptWithPgkeep(encrypted, rsaSecret))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("(hidden recipient)");
    }

    @Test
    void aGpgMessageToAnotherKeyNamesTheKeyIds() throws Exception {
        Path input = Files.write(work.resolve("plain.bin"), bytes(1000, 4));
        Path encrypted = work.resolve("to-rsa.gpg");
        gpg.encrypt(input, encrypted, rsaKey);
        String rsaEncryptionSubkey = subkeyId(rsaKey);

        assertThatThrownBy(() -> decryptWithPgkeep(encrypted, curveSecret))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("was encrypted to key " + rsaEncryptionSubkey)
                .hasMessageContaining("not to any key in " + curveSecret);
    }

    @Test
    void expiredRevokedAndSignOnlyGpgKeysAreRejectedWhenTheEncryptorIsBuilt() throws Exception {
        String expired = gpg.generateKey(
                "Expired <expired@pgkeep.test>",
                "ed25519",
                "cv25519",
                PASSPHRASE,
                "--faked-system-time",
                "20200101T000000");
        String revoked = gpg.generateKey("Revoked <revoked@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE);
        gpg.revoke(revoked);
        String signOnly = gpg.generateKey("Signer <signer@pgkeep.test>", "ed25519", null, PASSPHRASE);

        assertThatThrownBy(() -> encryptorFor(expired))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(expired)
                .hasMessageContaining("expired on 2020-12-31");
        assertThatThrownBy(() -> encryptorFor(revoked))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(revoked)
                .hasMessageContaining("is revoked");
        assertThatThrownBy(() -> encryptorFor(signOnly))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(signOnly)
                .hasMessageContaining("can only sign");
    }

    @Test
    void aKeySelfSignedWithSha1IsRejectedWithTheGpgCommandThatRepairsIt() throws Exception {
        String sha1 = gpg.generateKey(
                "Old SHA-1 <sha1@pgkeep.test>", "rsa2048", "rsa2048", PASSPHRASE, "--cert-digest-algo", "SHA1");

        assertThatThrownBy(() -> encryptorFor(sha1))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(sha1)
                .hasMessageContaining("SHA-1")
                .hasMessageContaining("--cert-digest-algo SHA256 --quick-set-expire " + sha1);

        // The repair the message gives: re-sign the primary key and the subkeys with SHA-256.
        String[] sha256 = {"--cert-digest-algo", "SHA256"};
        gpg.withPassphrase(PASSPHRASE, sha256, "--quick-set-expire", sha1, "1y");
        gpg.withPassphrase(PASSPHRASE, sha256, "--quick-set-expire", sha1, "1y", "*");
        assertThat(encryptorFor(sha1).describe().recipients()).containsExactly(sha1);
    }

    @Test
    void aKeyCloseToItsExpiryIsAcceptedWithAWarningAndRefusedOnceExpired() throws Exception {
        Instant now = Instant.now();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            OpenPgpEncryptor.builder()
                    .recipient(curvePublic)
                    .clock(Clock.fixed(now.plus(Duration.ofDays(350)), ZoneOffset.UTC))
                    .build();
        } finally {
            System.setErr(originalErr);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN")
                .contains("Public key " + curveKey)
                .contains("expires on");
        assertThatThrownBy(() -> OpenPgpEncryptor.builder()
                        .recipient(curvePublic)
                        .clock(Clock.fixed(now.plus(Duration.ofDays(400)), ZoneOffset.UTC))
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("expired on");
    }

    @Test
    void anExpiredSecretKeyStillDecryptsButCannotEncryptASafetyBackup() throws Exception {
        byte[] plaintext = bytes(5000, 6);
        Path encrypted = write(
                work.resolve("old-backup.pgp"),
                OpenPgpEncryptor.builder().recipient(curvePublic).build(),
                plaintext);
        OpenPgpEncryptor afterExpiry = OpenPgpEncryptor.builder()
                .decryptionKey(curveSecret, Secret.of(PASSPHRASE))
                .clock(Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC))
                .build();

        try (var in = afterExpiry.decrypt(Files.newInputStream(encrypted))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
        assertThatThrownBy(() -> afterExpiry.encrypt(new ByteArrayOutputStream()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("expired on")
                .hasMessageContaining("--no-safety-backup");
    }

    private OpenPgpEncryptor encryptorFor(String fingerprint) throws Exception {
        Path file = gpg.exportPublic(fingerprint, work.resolve(fingerprint + ".asc"), true);
        return OpenPgpEncryptor.builder().recipient(file).build();
    }

    private static String subkeyId(String fingerprint) throws Exception {
        String listing = new String(
                gpg.ok(new byte[0], "--with-colons", "--list-keys", fingerprint).stdout(), StandardCharsets.UTF_8);
        return listing.lines()
                .filter(line -> line.startsWith("sub:"))
                .map(line -> line.split(":")[4])
                .findFirst()
                .orElseThrow();
    }

    private static GnuPg.Result decryptWithGpg(Path encrypted) throws Exception {
        return gpg.run(
                (PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8),
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                "0",
                "--status-fd",
                "2",
                "--decrypt",
                encrypted.toString());
    }

    private static byte[] decryptWithPgkeep(Path encrypted, Path secretKey) throws IOException {
        OpenPgpEncryptor decryptor = OpenPgpEncryptor.builder()
                .decryptionKey(secretKey, Secret.of(PASSPHRASE))
                .build();
        try (var in = decryptor.decrypt(Files.newInputStream(encrypted))) {
            return in.readAllBytes();
        }
    }

    private static Path write(Path file, OpenPgpEncryptor encryptor, byte[] plaintext) throws IOException {
        try (OutputStream out = encryptor.encrypt(Files.newOutputStream(file))) {
            out.write(plaintext);
        }
        return file;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
