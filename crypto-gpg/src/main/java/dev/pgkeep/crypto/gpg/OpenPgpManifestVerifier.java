package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.spi.ManifestVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPDetachedSignatureProcessor;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.OpenPGPSignature;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Accepts a backup only when its detached OpenPGP signature is valid and made by one of the trusted public keys
 * (the signing hosts' keys, exported with {@code gpg --export --armor}).
 */
public final class OpenPgpManifestVerifier implements ManifestVerifier {
    private final List<OpenPGPCertificate> trusted;

    private OpenPgpManifestVerifier(List<OpenPGPCertificate> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trusts the public keys in these files (armored or binary). */
    public static OpenPgpManifestVerifier trusting(List<Path> publicKeyFiles) {
        Builder builder = builder();
        publicKeyFiles.forEach(builder::trust);
        return builder.build();
    }

    @Override
    public void verify(byte[] statement, byte[] signature, String what) {
        List<OpenPGPSignature.OpenPGPDocumentSignature> results;
        List<String> signers = new ArrayList<>();
        try {
            PGPSignatureList signatures = signatures(signature);
            signatures.forEach(sig -> signers.add("key " + Recipient.keyId(sig.getKeyID())));
            OpenPGPDetachedSignatureProcessor processor = new OpenPGPDetachedSignatureProcessor();
            trusted.forEach(processor::addVerificationCertificate);
            processor.addSignatures(signatures);
            results = processor.process(new ByteArrayInputStream(statement));
        } catch (IOException | RuntimeException e) {
            throw new IntegrityException("The signature of the " + what + " cannot be read (" + e.getMessage()
                    + "): it is damaged or not an OpenPGP signature. Refused; nothing was changed.");
        }
        List<String> byTrusted = new ArrayList<>();
        for (OpenPGPSignature.OpenPGPDocumentSignature result : results) {
            if (result.getIssuerCertificate() == null) {
                continue; // made by a key that is not trusted
            }
            try {
                if (result.isValid()) {
                    return;
                }
            } catch (PGPException | RuntimeException e) {
                // a signature that does not verify: reported below
            }
            byTrusted.add("trusted key "
                    + Recipient.fingerprint(result.getIssuerCertificate().getFingerprint()));
        }
        throw new IntegrityException("The " + what + " is "
                + (byTrusted.isEmpty()
                        ? "signed by "
                                + String.join(", ", signers.stream().distinct().toList())
                                + ", which is not a trusted key"
                        : "signed by "
                                + String.join(
                                        ", ", byTrusted.stream().distinct().toList())
                                + ", but the signature does not match the backup: its dump, size or checksum was"
                                + " changed after it was signed")
                + ". Refused; nothing was changed.");
    }

    private static PGPSignatureList signatures(byte[] data) throws IOException {
        Object packet = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(data))).nextObject();
        if (!(packet instanceof PGPSignatureList list) || list.isEmpty()) {
            throw new IOException("no OpenPGP signature packet");
        }
        return list;
    }

    /** Collects the trusted public keys. */
    public static final class Builder {
        private final List<OpenPGPCertificate> trusted = new ArrayList<>();

        private Builder() {}

        public Builder trust(Path publicKeyFile) {
            Objects.requireNonNull(publicKeyFile, "publicKeyFile");
            return add(OpenPgpEncryptor.Builder.readFile(publicKeyFile, "trusted key"), publicKeyFile.toString());
        }

        /** Trusts the public keys in {@code publicKeys}, read and closed now; {@code name} names it in messages. */
        public Builder trust(InputStream publicKeys, String name) {
            return add(OpenPgpEncryptor.Builder.readStream(publicKeys, name), name);
        }

        private Builder add(byte[] data, String source) {
            List<OpenPGPCertificate> certificates;
            try {
                certificates = new OpenPGPKeyReader().parseKeysOrCertificates(data);
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("cannot read an OpenPGP public key from " + source + " ("
                        + e.getMessage() + "); export the signing key's public key with: gpg --export --armor KEYID > "
                        + source);
            }
            if (certificates.isEmpty()) {
                throw new BadInputException("no OpenPGP public key found in " + source);
            }
            for (OpenPGPCertificate certificate : certificates) {
                // a secret key given as trusted is trusted for its public half only
                trusted.add(certificate instanceof OpenPGPKey key ? key.toCertificate() : certificate);
            }
            return this;
        }

        public OpenPgpManifestVerifier build() {
            if (trusted.isEmpty()) {
                throw new BadInputException("trusting signed backups needs at least one trusted public key");
            }
            return new OpenPgpManifestVerifier(trusted);
        }
    }
}
