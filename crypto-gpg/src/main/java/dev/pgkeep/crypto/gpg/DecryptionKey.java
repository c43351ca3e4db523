package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.jspecify.annotations.Nullable;

/**
 * One unlocked secret (sub)key able to decrypt, with where it came from for error messages.
 *
 * @param keyId the id a message's recipient packet names, as {@code gpg --list-packets} shows it
 * @param fingerprint the primary key's fingerprint
 */
record DecryptionKey(
        long keyId, String fingerprint, PGPPrivateKey privateKey, OpenPGPCertificate certificate, String source) {

    @Override
    public String toString() {
        return "DecryptionKey[keyId=" + Recipient.keyId(keyId) + ", fingerprint=" + fingerprint + ", source=" + source
                + "]";
    }

    /**
     * Reads the secret keys in a file (armored or binary) and unlocks every encryption-capable one now, so a wrong
     * passphrase fails at start-up rather than after a download. A key no passphrase protects needs none; {@code null}
     * means none was given, which only such keys accept.
     */
    static List<DecryptionKey> read(byte[] keyData, String source, @Nullable Secret passphrase) {
        List<OpenPGPKey> keys = new ArrayList<>();
        try {
            for (OpenPGPCertificate certificate : new OpenPGPKeyReader().parseKeysOrCertificates(keyData)) {
                if (!(certificate instanceof OpenPGPKey key)) {
                    String fingerprint = Recipient.fingerprint(certificate.getFingerprint());
                    throw new BadInputException(source + " holds the public key " + fingerprint + ", not its secret"
                            + " key; export the secret key with: gpg --export-secret-keys --armor " + fingerprint
                            + " > secret.asc");
                }
                keys.add(key);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(
                    "cannot read an OpenPGP secret key from " + source + " (" + e.getMessage()
                            + "); export it with: gpg --export-secret-keys --armor KEYID > " + source,
                    e);
        }
        if (keys.isEmpty()) {
            throw new BadInputException("no OpenPGP secret key found in " + source
                    + "; export it with: gpg --export-secret-keys --armor KEYID > " + source);
        }
        List<DecryptionKey> unlocked = new ArrayList<>();
        char @Nullable [] chars = passphrase == null ? null : passphrase.revealChars();
        try {
            for (OpenPGPKey key : keys) {
                String fingerprint = Recipient.fingerprint(key.getFingerprint());
                Iterator<PGPSecretKey> secretKeys = key.getPGPSecretKeyRing().getSecretKeys();
                while (secretKeys.hasNext()) {
                    PGPSecretKey secretKey = secretKeys.next();
                    // Stubs (gpg --export-secret-subkeys leaves the primary as one) hold no key material.
                    if (!secretKey.getPublicKey().isEncryptionKey() || secretKey.isPrivateKeyEmpty()) {
                        continue;
                    }
                    unlocked.add(new DecryptionKey(
                            secretKey.getKeyID(),
                            fingerprint,
                            unlock(secretKey, chars, fingerprint, source),
                            key.toCertificate(),
                            source));
                }
            }
        } finally {
            if (chars != null) {
                Arrays.fill(chars, '\0');
            }
        }
        if (unlocked.isEmpty()) {
            throw new BadInputException(source + " holds no secret key able to decrypt (only signing keys or stubs);"
                    + " export the encryption subkey too: gpg --export-secret-keys --armor KEYID > " + source);
        }
        return unlocked;
    }

    private static PGPPrivateKey unlock(
            PGPSecretKey secretKey, char @Nullable [] passphrase, String fingerprint, String source) {
        boolean protectedKey = secretKey.getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL;
        if (protectedKey && passphrase == null) {
            throw new BadInputException("the secret key " + fingerprint + " in " + source + " is protected by a"
                            + " passphrase, and none was given")
                    .withRemedy(PgkeepException.Remedy.DECRYPTION_KEY, null);
        }
        try {
            // a key no passphrase protects (gpg --passphrase '') is used as it is, whatever passphrase was given
            PGPPrivateKey privateKey = secretKey.extractPrivateKey(
                    protectedKey
                            ? new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase)
                            : null);
            if (privateKey == null) {
                throw new BadInputException("secret key " + Recipient.keyId(secretKey.getKeyID()) + " of " + fingerprint
                        + " in " + source + " holds no key material");
            }
            return privateKey;
        } catch (PGPException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            // BouncyCastle says "checksum mismatch" for a wrong passphrase; the passphrase itself is never quoted.
            throw new BadInputException(
                    "wrong passphrase for secret key " + fingerprint + " in " + source
                            + " (it did not unlock subkey " + Recipient.keyId(secretKey.getKeyID())
                            + "); check the variable or file that supplies it",
                    null);
        }
    }
}
