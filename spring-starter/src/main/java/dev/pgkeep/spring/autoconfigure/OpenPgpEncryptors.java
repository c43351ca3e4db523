package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.Secret;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.crypto.gpg.OpenPgpEncryptor;
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
                if (encryption.getPassphrase() == null) {
                    throw new IllegalStateException("pgkeep.encryption.secret-key is set but"
                            + " pgkeep.encryption.passphrase is not; give the passphrase (e.g. from an environment"
                            + " variable: pgkeep.encryption.passphrase=${PGKEEP_PASSPHRASE}).");
                }
                builder.decryptionKey(
                        secret.getInputStream(),
                        "pgkeep.encryption.secret-key " + secret.getDescription(),
                        Secret.of(encryption.getPassphrase()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "pgkeep cannot read an OpenPGP key: " + e.getMessage()
                            + "; check pgkeep.encryption.public-keys / secret-key.",
                    e);
        }
        return builder.build();
    }
}
