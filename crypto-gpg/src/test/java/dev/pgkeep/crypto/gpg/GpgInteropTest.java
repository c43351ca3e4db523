package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        curveKey = gpg.generateKey("Ops Curve <curve@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE, null);
        rsaKey = gpg.generateKey("Ops RSA <rsa@pgkeep.test>", "rsa2048", "rsa2048", PASSPHRASE, null);
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
    void pgkeepDecryptsWhatGpgEncryptedWithItsDefaults() throws Exception {
        // gpg compresses by default, so this also covers a compressed packet inside the message.
        byte[] plaintext = "pg_dump output, compressible ".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        Path input = Files.write(work.resolve("plain.bin"), plaintext);
        Path encrypted = work.resolve("from-gpg.gpg");
        gpg.ok(
                new byte[0],
                "--trust-model",
                "always",
                "--output",
                encrypted.toString(),
                "--recipient",
                curveKey,
                "--encrypt",
                input.toString());

        assertThat(decryptWithPgkeep(encrypted, curveSecret)).isEqualTo(plaintext);
    }

    @Test
    void pgkeepDecryptsArmoredUncompressedAndSignedGpgMessages() throws Exception {
        byte[] plaintext = bytes(2 * 1024 * 1024, 3);
        Path input = Files.write(work.resolve("plain.bin"), plaintext);
        Path armored = work.resolve("armored.asc");
        Path signed = work.resolve("signed.gpg");
        gpg.ok(
                new byte[0],
                "--trust-model",
                "always",
                "--armor",
                "--compress-algo",
                "none",
                "--output",
                armored.toString(),
                "--recipient",
                rsaKey,
                "--encrypt",
                input.toString());
        gpg.ok(
                (PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8),
                "--trust-model",
                "always",
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                "0",
                "--local-user",
                curveKey,
                "--output",
                signed.toString(),
                "--recipient",
                curveKey,
                "--sign",
                "--encrypt",
                input.toString());

        assertThat(decryptWithPgkeep(armored, rsaSecret)).isEqualTo(plaintext);
        assertThat(decryptWithPgkeep(signed, curveSecret)).isEqualTo(plaintext);
    }

    @Test
    void aGpgMessageToAnotherKeyNamesTheKeyIds() throws Exception {
        Path input = Files.write(work.resolve("plain.bin"), bytes(1000, 4));
        Path encrypted = work.resolve("to-rsa.gpg");
        gpg.ok(
                new byte[0],
                "--trust-model",
                "always",
                "--output",
                encrypted.toString(),
                "--recipient",
                rsaKey,
                "--encrypt",
                input.toString());
        String rsaEncryptionSubkey = subkeyId(rsaKey);

        assertThatThrownBy(() -> decryptWithPgkeep(encrypted, curveSecret))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("was encrypted to key " + rsaEncryptionSubkey)
                .hasMessageContaining("not to any key in " + curveSecret);
    }

    @Test
    void expiredRevokedAndSignOnlyGpgKeysAreRejectedWhenTheEncryptorIsBuilt() throws Exception {
        String expired =
                gpg.generateKey("Expired <expired@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE, "20200101T000000");
        String revoked = gpg.generateKey("Revoked <revoked@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE, null);
        gpg.revoke(revoked);
        String signOnly = gpg.generateKey("Signer <signer@pgkeep.test>", "ed25519", null, PASSPHRASE, null);

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
