package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Secret;
import dev.pgkeep.core.spi.ManifestSigner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPDetachedSignatureGenerator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.OpenPGPSignature;
import org.jspecify.annotations.Nullable;

/**
 * Signs backups with an OpenPGP secret key: an armored detached signature, as {@code gpg --armor --detach-sign}
 * writes it, of each backup's signed statement. The key may be the backups' encryption key pair (gpg's default keys
 * sign with their primary key) or a key kept for signing alone. The key is read, unlocked and tried when the signer
 * is made, so a wrong passphrase or a key that cannot sign fails at start-up, not after a dump.
 */
public final class OpenPgpManifestSigner implements ManifestSigner {
    private final OpenPGPKey key;
    private final char @Nullable [] passphrase;
    private final String fingerprint;

    private OpenPgpManifestSigner(OpenPGPKey key, @Nullable Secret passphrase, String source) {
        this.key = key;
        this.passphrase = passphrase == null ? null : passphrase.revealChars();
        this.fingerprint = Recipient.fingerprint(key.getFingerprint());
        try {
            sign("pgkeep signing key check\n".getBytes(StandardCharsets.UTF_8));
        } catch (PgkeepException e) {
            throw new BadInputException(source + ": " + e.getMessage(), e);
        }
    }

    /** The secret key in {@code secretKeyFile} (armored or binary), unlocked with {@code passphrase} (none: null). */
    public static OpenPgpManifestSigner fromFile(Path secretKeyFile, @Nullable Secret passphrase) {
        return read(
                OpenPgpEncryptor.Builder.readFile(secretKeyFile, "signing key"), secretKeyFile.toString(), passphrase);
    }

    /** As {@link #fromFile}, reading (and closing) {@code secretKey}; {@code name} names it in messages. */
    public static OpenPgpManifestSigner fromStream(InputStream secretKey, String name, @Nullable Secret passphrase) {
        return read(OpenPgpEncryptor.Builder.readStream(secretKey, name), name, passphrase);
    }

    private static OpenPgpManifestSigner read(byte[] data, String source, @Nullable Secret passphrase) {
        List<OpenPGPCertificate> keys;
        try {
            keys = new OpenPGPKeyReader().parseKeysOrCertificates(data);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("cannot read an OpenPGP secret key from " + source + " (" + e.getMessage()
                    + "); export it with: gpg --export-secret-keys --armor KEYID > " + source);
        }
        if (keys.size() != 1) {
            throw new BadInputException(source + " holds " + keys.size() + " OpenPGP keys; give the one signing key");
        }
        if (!(keys.get(0) instanceof OpenPGPKey key)) {
            String fingerprint = Recipient.fingerprint(keys.get(0).getFingerprint());
            throw new BadInputException(source + " holds the public key " + fingerprint + "; signing needs its secret"
                    + " key: gpg --export-secret-keys --armor " + fingerprint + " > signing.sec.asc");
        }
        return new OpenPgpManifestSigner(key, passphrase, source);
    }

    @Override
    public byte[] sign(byte[] statement) {
        try {
            OpenPGPDetachedSignatureGenerator generator = new OpenPGPDetachedSignatureGenerator();
            if (passphrase != null) {
                generator.addKeyPassphrase(passphrase);
            }
            generator.addSigningKey(key);
            List<OpenPGPSignature.OpenPGPDocumentSignature> signatures =
                    generator.sign(new ByteArrayInputStream(statement));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = ArmoredOutputStream.builder().build(out)) {
                for (OpenPGPSignature.OpenPGPDocumentSignature signature : signatures) {
                    armored.write(signature.getEncoded());
                }
            }
            return out.toByteArray();
        } catch (IOException | PGPException | RuntimeException e) {
            throw new PgkeepException(
                    "cannot sign with the OpenPGP key " + fingerprint + " ("
                            + e.getMessage() + "): it needs a valid signing (sub)key"
                            + (passphrase == null
                                    ? ", and a passphrase if it is protected by one"
                                    : " and the right passphrase"),
                    e);
        }
    }

    @Override
    public String describe() {
        return "OpenPGP key " + fingerprint;
    }
}
