/**
 * OpenPGP public-key encryption of backups with BouncyCastle, readable by plain {@code gpg}: start with
 * {@link dev.pgkeep.crypto.gpg.OpenPgpEncryptor#builder()}.
 */
@NullMarked
package dev.pgkeep.crypto.gpg;

import org.jspecify.annotations.NullMarked;
