package dev.pgkeep.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** How restore and verify get the secret key of encrypted backups. */
final class DecryptionOptions {
    @Option(
            names = "--decrypt-key",
            paramLabel = "KEYFILE",
            description = "OpenPGP secret key (armored or binary) for encrypted backups; repeat for rotated keys.")
    java.util.List<Path> decryptKeys = new java.util.ArrayList<>();

    @Option(
            names = "--passphrase-env",
            paramLabel = "VAR",
            description = "Environment variable holding the secret key's passphrase.")
    @Nullable
    String passphraseEnv;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "File holding the secret key's passphrase (first line).")
    @Nullable
    Path passphraseFile;
}
