package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.Secret;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.crypto.gpg.OpenPgpManifestSigner;
import dev.pgkeep.crypto.gpg.OpenPgpManifestVerifier;
import dev.pgkeep.spring.PgkeepStartupException;
import java.io.IOException;
import org.springframework.core.io.Resource;

/** Builds the backup signer and verifier from {@code pgkeep.signing.*}; loaded only when pgkeep-crypto-gpg is present. */
final class OpenPgpSignatures {
    private OpenPgpSignatures() {}

    static ManifestSigner signer(PgkeepProperties.Signing signing) {
        Resource key = java.util.Objects.requireNonNull(signing.getPrivateKey(), "pgkeep.signing.private-key");
        try {
            return OpenPgpManifestSigner.fromStream(
                    key.getInputStream(),
                    "pgkeep.signing.private-key " + key.getDescription(),
                    signing.getPassphrase() == null ? null : Secret.of(signing.getPassphrase()));
        } catch (IOException e) {
            throw new PgkeepStartupException(
                    "pgkeep cannot read pgkeep.signing.private-key " + key.getDescription() + ": " + e.getMessage(),
                    "Point pgkeep.signing.private-key at a readable ASCII-armored secret key.",
                    e);
        }
    }

    static ManifestVerifier verifier(PgkeepProperties.Signing signing) {
        OpenPgpManifestVerifier.Builder builder = OpenPgpManifestVerifier.builder();
        for (Resource key : signing.getTrustedKeys()) {
            try {
                builder.trust(key.getInputStream(), "pgkeep.signing.trusted-keys " + key.getDescription());
            } catch (IOException e) {
                throw new PgkeepStartupException(
                        "pgkeep cannot read pgkeep.signing.trusted-keys " + key.getDescription() + ": "
                                + e.getMessage(),
                        "Point pgkeep.signing.trusted-keys at readable ASCII-armored public keys.",
                        e);
            }
        }
        return builder.build();
    }
}
