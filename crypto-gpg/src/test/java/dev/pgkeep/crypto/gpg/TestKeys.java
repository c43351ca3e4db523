package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;

/** Key pairs generated at test time with BouncyCastle, so these tests run where no gpg is installed. */
final class TestKeys {
    private TestKeys() {}

    /** A v4 Ed25519 primary key with an X25519 encryption subkey, written as armored public and secret files. */
    static KeyPairFiles generate(Path directory, String name, String passphrase) {
        try {
            OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                    .ed25519x25519Key(name + " <" + name + "@pgkeep.test>")
                    .build(passphrase.toCharArray());
            return write(directory, name, key, passphrase);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key that can sign but not encrypt. */
    static KeyPairFiles generateSignOnly(Path directory, String name, String passphrase) {
        try {
            OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), 4, false, new Date())
                    .withPrimaryKey()
                    .addUserId(name + " <" + name + "@pgkeep.test>")
                    .addSigningSubkey()
                    .build(passphrase.toCharArray());
            return write(directory, name, key, passphrase);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPairFiles write(Path directory, String name, OpenPGPKey key, String passphrase) {
        try {
            Path publicKey = directory.resolve(name + ".pub.asc");
            Path secretKey = directory.resolve(name + ".sec.asc");
            Files.writeString(publicKey, key.toCertificate().toAsciiArmoredString());
            Files.writeString(secretKey, key.toAsciiArmoredString());
            return new KeyPairFiles(
                    publicKey, secretKey, Secret.of(passphrase), Recipient.fingerprint(key.getFingerprint()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a generated key pair was written, and its passphrase and fingerprint. */
    record KeyPairFiles(Path publicKey, Path secretKey, Secret passphrase, String fingerprint) {

        OpenPgpEncryptor encryptor() {
            return OpenPgpEncryptor.builder()
                    .recipient(publicKey)
                    .decryptionKey(secretKey, passphrase)
                    .build();
        }

        OpenPgpEncryptor encryptOnly() {
            return OpenPgpEncryptor.builder().recipient(publicKey).build();
        }

        OpenPgpEncryptor decryptOnly() {
            return OpenPgpEncryptor.builder()
                    .decryptionKey(secretKey, passphrase)
                    .build();
        }
    }
}
