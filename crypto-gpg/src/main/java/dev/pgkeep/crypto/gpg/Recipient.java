package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BadInputException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.util.encoders.Hex;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate (public key) a backup is encrypted to, already checked to be usable for encryption now.
 *
 * @param fingerprint the primary key's fingerprint in upper-case hex, as {@code gpg --list-keys} shows it
 * @param encryptionKey the newest valid encryption-capable (sub)key, the one gpg would pick too
 */
record Recipient(String fingerprint, PGPPublicKey encryptionKey) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final Logger log = LoggerFactory.getLogger(OpenPgpEncryptor.class);
    // Warn this long before a key expires, so it is extended before backups start failing at start-up.
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final Set<Integer> WEAK_HASHES =
            Set.of(HashAlgorithmTags.MD5, HashAlgorithmTags.SHA1, HashAlgorithmTags.RIPEMD160);

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
            if (certificate instanceof OpenPGPKey) {
                String fingerprint = fingerprint(certificate.getFingerprint());
                // A secret key on the application host would let anyone who takes the host read every backup.
                throw new BadInputException(source + " holds the SECRET key " + fingerprint
                        + "; give pgkeep only the public key (gpg --export --armor " + fingerprint
                        + " > public.asc) and keep the secret key off the application host");
            }
            recipients.add(check(certificate, source, now));
        }
        return recipients;
    }

    /**
     * Checks that a certificate can be encrypted to at {@code now}.
     *
     * @throws BadInputException saying why not and what to do
     */
    static Recipient check(OpenPGPCertificate certificate, String source, Instant now) {
        String fingerprint = fingerprint(certificate.getFingerprint());
        Date when = Date.from(now);
        String unusable = unusableReason(certificate, when);
        if (unusable != null) {
            throw new BadInputException("public key " + fingerprint + " in " + source + " " + unusable);
        }
        Date expiry = certificate.getExpirationTime(when);
        if (expiry != null && expiry.toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
            log.warn(
                    "Public key {} in {} expires on {}; extend it (gpg --quick-set-expire {} 2y '*') and deploy the"
                            + " exported key, or pgkeep will refuse it from then on",
                    fingerprint,
                    source,
                    DAY.format(expiry.toInstant()),
                    fingerprint);
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
        boolean weakSelfSignature = false;
        Iterator<PGPPublicKey> keys = certificate.getPGPPublicKeyRing().getPublicKeys();
        while (keys.hasNext()) {
            PGPPublicKey key = keys.next();
            hasEncryptionAlgorithm |= key.isEncryptionKey();
            Iterator<PGPSignature> signatures = key.getSignatures();
            while (signatures.hasNext()) {
                weakSelfSignature |= WEAK_HASHES.contains(signatures.next().getHashAlgorithm());
            }
        }
        if (weakSelfSignature) {
            // gpg 2.2 still accepts SHA-1 self-signatures; BouncyCastle's policy (rightly) does not.
            return "is self-signed with SHA-1 (or an older hash), which is no longer accepted; re-sign it with"
                    + " SHA-256 (gpg --cert-digest-algo SHA256 --quick-set-expire " + fingerprint + " 2y, then the"
                    + " same command followed by '*' for the subkeys), export it again and pass the new file";
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
