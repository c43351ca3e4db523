package dev.pgkeep.core.spi;

/**
 * Signs the backups a service writes, so that whoever restores them can tell they came from this host: the signature
 * covers the backup's {@linkplain dev.pgkeep.core.BackupManifest#signedStatement() signed statement} (its id,
 * database, dump object, sizes and SHA-256) and is stored beside the manifest as {@code manifest.sig}, written before
 * the manifest so that the manifest stays the backup's commit marker. {@code pgkeep-crypto-gpg} implements it with
 * OpenPGP.
 */
public interface ManifestSigner {

    /** A detached signature of {@code statement} (for OpenPGP: an armored signature, as {@code gpg --detach-sign}). */
    byte[] sign(byte[] statement);

    /** Names the signing key for logs and messages, e.g. its fingerprint. */
    String describe();
}
