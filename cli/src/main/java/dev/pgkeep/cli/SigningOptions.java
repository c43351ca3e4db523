package dev.pgkeep.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The key that signs new backups: backup's own, and the safety backup a restore takes. */
final class SigningOptions {
    @Option(
            names = "--sign-key",
            paramLabel = "KEYFILE",
            description = "OpenPGP secret key that signs new backups (manifest.sig); its passphrase from"
                    + " $PGKEEP_SIGN_PASSPHRASE or --sign-passphrase-env, none for a key without one.")
    @Nullable
    Path signKey;

    @Option(
            names = "--sign-passphrase-env",
            paramLabel = "VAR",
            description = "Environment variable holding the signing key's passphrase.")
    @Nullable
    String signPassphraseEnv;
}
