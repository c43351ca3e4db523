package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Secret;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.crypto.gpg.OpenPgpEncryptor;
import dev.pgkeep.spring.PgkeepStartupException;
import java.io.IOException;
import org.springframework.core.io.Resource;

/** Builds the OpenPGP encryptor from {@code pgkeep.encryption.*}; loaded only when pgkeep-crypto-gpg is present. */
final class OpenPgpEncryptors {
    private OpenPgpEncryptors() {}

    static Encryptor fromProperties(PgkeepProperties.Encryption encryption) {
        OpenPgpEncryptor.Builder builder = OpenPgpEncryptor.builder();
        try {
            for (Resource key : encryption.getPublicKeys()) {
                builder.recipient(key.getInputStream(), "pgkeep.encryption.public-keys " + key.getDescription());
            }
            Resource secret = encryption.getSecretKey();
            if (secret != null) {
                String name = "pgkeep.encryption.secret-key " + secret.getDescription();
                if (encryption.getPassphrase() == null) {
                    // a key without a passphrase is used as it is; a protected one fails naming the property below
                    builder.decryptionKey(secret.getInputStream(), name);
                } else {
                    builder.decryptionKey(secret.getInputStream(), name, Secret.of(encryption.getPassphrase()));
                }
            }
        } catch (IOException e) {
            throw new PgkeepStartupException(
                    "pgkeep cannot read an OpenPGP key: " + e.getMessage() + ".",
                    "Check pgkeep.encryption.public-keys / secret-key.",
                    e);
        }
        try {
            return builder.build();
        } catch (PgkeepException e) {
            if (e.remedy() == PgkeepException.Remedy.DECRYPTION_KEY && encryption.getPassphrase() == null) {
                throw new PgkeepStartupException(
                        e.getMessage(),
                        "Give its passphrase in pgkeep.encryption.passphrase (e.g. from an environment variable:"
                                + " pgkeep.encryption.passphrase=${PGKEEP_PASSPHRASE}).",
                        e);
            }
            throw e;
        }
    }
}
