package dev.pgkeep.cli;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The adapters the CLI can build from its options. */
final class Repositories {
    private Repositories() {}

    static StorageAdapter s3(String uri) {
        throw new BadInputException("S3 repositories are not available in this build: " + uri);
    }

    /** The encryptor for {@code --encrypt-to} (backup) and {@code --decrypt-key} (restore, verify). */
    static Encryptor encryptor(
            List<Path> encryptTo, @Nullable Path decryptKey, @Nullable String passphraseEnv, CliEnvironment env) {
        if (encryptTo.isEmpty() && decryptKey == null) {
            return Encryptor.NONE;
        }
        throw new BadInputException("OpenPGP encryption is not available in this build.");
    }

    static AuditSink auditSink() {
        return AuditSink.NO_OP;
    }

    static Optional<AuditSink> alerts(@Nullable String webhook) {
        return Optional.empty();
    }
}
