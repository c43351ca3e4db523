package dev.pgkeep.cli;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.Secret;
import dev.pgkeep.core.alert.WebhookNotifier;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.crypto.gpg.OpenPgpEncryptor;
import dev.pgkeep.crypto.gpg.OpenPgpManifestSigner;
import dev.pgkeep.crypto.gpg.OpenPgpManifestVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Builds the adapters the CLI's options ask for. */
final class Repositories {
    private Repositories() {}

    /** The encryptor for {@code --encrypt-to}; keys are checked now, before any backup starts. */
    static Encryptor encryptor(List<Path> encryptTo) {
        if (encryptTo.isEmpty()) {
            return Encryptor.NONE;
        }
        OpenPgpEncryptor.Builder builder = OpenPgpEncryptor.builder();
        encryptTo.forEach(builder::recipient);
        return builder.build();
    }

    /** The decryptor for {@code --decrypt-key} with {@code --passphrase-env} or {@code --passphrase-file}. */
    static Encryptor decryptor(DecryptionOptions options, CliEnvironment env) {
        if (options.decryptKeys.isEmpty()) {
            if (options.passphraseEnv != null || options.passphraseFile != null) {
                throw new BadInputException("A passphrase was given but no --decrypt-key KEYFILE.");
            }
            return Encryptor.NONE;
        }
        Secret passphrase = passphrase(options, env);
        OpenPgpEncryptor.Builder builder = OpenPgpEncryptor.builder();
        for (Path key : options.decryptKeys) {
            if (passphrase != null) {
                builder.decryptionKey(key, passphrase);
            } else {
                builder.decryptionKey(key); // a key without a passphrase; a protected one fails saying so
            }
        }
        return builder.build();
    }

    /** {@code --passphrase-file}, {@code --passphrase-env VAR}, else {@code PGKEEP_PASSPHRASE}; null when none. */
    private static @Nullable Secret passphrase(DecryptionOptions options, CliEnvironment env) {
        if (options.passphraseEnv != null && options.passphraseFile != null) {
            throw new BadInputException("Give the passphrase once: --passphrase-env VAR or --passphrase-file FILE.");
        }
        if (options.passphraseFile != null) {
            return OpenPgpEncryptor.passphraseFromFile(options.passphraseFile);
        }
        String variable = options.passphraseEnv != null ? options.passphraseEnv : "PGKEEP_PASSPHRASE";
        String value = env.getenv(variable);
        if (value == null && options.passphraseEnv != null) {
            throw new BadInputException("The secret key's passphrase is missing: --passphrase-env names " + variable
                    + ", which is not set.");
        }
        return value == null ? null : Secret.of(value);
    }

    /** The signer for {@code backup --sign-key}, its passphrase from {@code --sign-passphrase-env} or none. */
    static @Nullable ManifestSigner signer(SigningOptions options, CliEnvironment env) {
        Path signKey = options.signKey;
        String passphraseEnv = options.signPassphraseEnv;
        if (signKey == null) {
            if (passphraseEnv != null) {
                throw new BadInputException("--sign-passphrase-env was given but no --sign-key KEYFILE.");
            }
            return null;
        }
        String variable = passphraseEnv != null ? passphraseEnv : "PGKEEP_SIGN_PASSPHRASE";
        String value = env.getenv(variable);
        if (value == null && passphraseEnv != null) {
            throw new BadInputException("The signing key's passphrase is missing: --sign-passphrase-env names "
                    + variable + ", which is not set.");
        }
        return OpenPgpManifestSigner.fromFile(signKey, value == null ? null : Secret.of(value));
    }

    /** The verifier for {@code --trusted-key}; null (signatures not checked) without one. */
    static @Nullable ManifestVerifier verifier(TrustOptions trust) {
        return trust.trustedKeys.isEmpty() ? null : OpenPgpManifestVerifier.trusting(trust.trustedKeys);
    }

    /** Slack alerts on failure when {@code PGKEEP_SLACK_WEBHOOK} (or {@code --slack-webhook}) is set. */
    static Optional<WebhookNotifier> alerts(@Nullable String webhook) {
        if (webhook == null) {
            return Optional.empty();
        }
        return Optional.of(WebhookNotifier.builder(webhook).build());
    }
}
