package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BadInputException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.util.encoders.Hex;
import org.jspecify.annotations.Nullable;

/**
 * One certificate (public key) a backup is encrypted to, already checked to be usable for encryption now.
 *
 * @param fingerprint the primary key's fingerprint in upper-case hex, as {@code gpg --list-keys} shows it
 * @param encryptionKey the newest valid encryption-capable (sub)key, the one gpg would pick too
 */
record Recipient(String fingerprint, PGPPublicKey encryptionKey) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /**
     * Reads every certificate in a public key file (armored or binary, one key or a key ring) and checks it.
     *
     * @param source names the file in error messages
     */
    static List<Recipient> read(byte[] keyData, String source, Instant now) {
        List<OpenPGPCertificate> certificates;
        try {
            certificates = new OpenPGPKeyReader().parseKeysOrCertificates(keyData);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(
                    "cannot read an OpenPGP public key from " + source + " (" + e.getMessage()
                            + "); export one with: gpg --export --armor KEYID > " + source,
                    e);
        }
        if (certificates.isEmpty()) {
            throw new BadInputException("no OpenPGP public key found in " + source
                    + "; export one with: gpg --export --armor KEYID > " + source);
        }
        List<Recipient> recipients = new ArrayList<>();
        for (OpenPGPCertificate certificate : certificates) {
            recipients.add(check(certificate, source, now));
        }
        return recipients;
    }

    private static Recipient check(OpenPGPCertificate certificate, String source, Instant now) {
        String fingerprint = fingerprint(certificate.getFingerprint());
        if (certificate instanceof OpenPGPKey) {
            // A secret key on the application host would let anyone who takes the host read every backup.
            throw new BadInputException(source + " holds the SECRET key " + fingerprint
                    + "; give pgkeep only the public key (gpg --export --armor " + fingerprint + " > public.asc) and"
                    + " keep the secret key off the application host");
        }
        Date when = Date.from(now);
        String unusable = unusableReason(certificate, when);
        if (unusable != null) {
            throw new BadInputException("public key " + fingerprint + " in " + source + " " + unusable);
        }
        PGPPublicKey newest = certificate.getEncryptionKeys(when).stream()
                .map(OpenPGPCertificate.OpenPGPComponentKey::getPGPPublicKey)
                .max(Comparator.comparing(PGPPublicKey::getCreationTime))
                .orElseThrow();
        return new Recipient(fingerprint, newest);
    }

    /** Why the certificate cannot be encrypted to at {@code when}, or null when it can. */
    private static @Nullable String unusableReason(OpenPGPCertificate certificate, Date when) {
        String fingerprint = fingerprint(certificate.getFingerprint());
        if (certificate.getRevocation(when) != null) {
            return "is revoked; ask its owner for their current key and pass that file instead";
        }
        Date expiry = certificate.getExpirationTime(when);
        if (expiry != null && !expiry.after(when)) {
            return "expired on " + DAY.format(expiry.toInstant()) + "; extend it (gpg --quick-set-expire " + fingerprint
                    + " 2y '*'), export it again and pass the new file";
        }
        if (!certificate.getEncryptionKeys(when).isEmpty()) {
            return null;
        }
        boolean hasEncryptionAlgorithm = false;
        Iterator<PGPPublicKey> keys = certificate.getPGPPublicKeyRing().getPublicKeys();
        while (keys.hasNext()) {
            PGPPublicKey key = keys.next();
            hasEncryptionAlgorithm |= key.isEncryptionKey();
        }
        if (hasEncryptionAlgorithm) {
            return "has no valid encryption subkey (each one is expired, revoked or not flagged for encryption);"
                    + " add one (gpg --quick-add-key " + fingerprint + " cv25519 encr 2y), export the key again"
                    + " and pass the new file";
        }
        return "can only sign, not encrypt; add an encryption subkey (gpg --quick-add-key " + fingerprint
                + " cv25519 encr 2y), export the key again and pass the new file";
    }

    static String fingerprint(byte[] fingerprint) {
        return Hex.toHexString(fingerprint).toUpperCase(Locale.ROOT);
    }

    static String keyId(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }
}
