package dev.pgkeep.core.spi;

/**
 * Decides whether a backup's signature is by a trusted key. When a service has one, restore and verify refuse
 * ({@code INTEGRITY}) a backup that is unsigned or not signed by a trusted key, before anything is downloaded or
 * changed. {@code pgkeep-crypto-gpg} implements it with OpenPGP.
 */
public interface ManifestVerifier {

    /**
     * Returns normally when {@code signature} is a valid signature of {@code statement} by a trusted key; throws
     * {@link dev.pgkeep.core.IntegrityException} saying why not (no valid signature, an unknown or untrusted key, a
     * statement that does not match).
     *
     * @param what names the backup in messages, e.g. {@code backup 20261125T020000Z-7f3a of shop}
     */
    void verify(byte[] statement, byte[] signature, String what);
}
