package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Secret;
import dev.pgkeep.core.spi.Encryptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts backups to OpenPGP public keys and decrypts them with the matching secret key. The output is a standard
 * OpenPGP message (AES-256, integrity-protected with an MDC, no compression layer since pgkeep compresses first),
 * so plain {@code gpg --decrypt} restores a backup without pgkeep.
 *
 * <pre>{@code
 * Encryptor backups = OpenPgpEncryptor.builder()
 *         .recipient(Path.of("/etc/pgkeep/ops-team.asc"))
 *         .build();
 * Encryptor restores = OpenPgpEncryptor.builder()
 *         .decryptionKey(Path.of("ops-team-secret.asc"), OpenPgpEncryptor.passphraseFromEnv("PGKEEP_PASSPHRASE"))
 *         .build();
 * }</pre>
 *
 * <p>Public keys are checked when the encryptor is built: an expired, revoked or sign-only key fails then, not in
 * the middle of a backup. Secret keys are unlocked when it is built too, so a wrong passphrase fails before any
 * download. Decryption picks the secret key named by the message, so several keys (old and new, after a rotation)
 * can be given at once. An encryptor built with secret keys only encrypts (the safety backup taken before a restore)
 * to those keys' own public halves. Instances are immutable and thread-safe.
 */
public final class OpenPgpEncryptor implements Encryptor {

    /** The manifest's {@code encryption.type}. */
    public static final String TYPE = "openpgp";

    private static final Logger log = LoggerFactory.getLogger(OpenPgpEncryptor.class);
    // Partial-length packets of this size let a message of unknown length stream in constant memory.
    private static final int PACKET_BUFFER_SIZE = 1 << 16;

    private final List<Recipient> recipients;
    // Why the decryption keys' own public keys cannot be encrypted to, when that is the fallback and it failed.
    private final @Nullable String recipientProblem;
    private final Map<Long, DecryptionKey> decryptionKeys;
    private final List<String> decryptionKeySources;
    private final CipherEngine engine;

    private OpenPgpEncryptor(Builder builder, List<Recipient> recipients, List<DecryptionKey> keys) {
        this.decryptionKeys = keys.stream()
                .collect(Collectors.toMap(DecryptionKey::keyId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.decryptionKeySources = List.copyOf(builder.decryptionKeySources);
        this.engine = builder.engine;
        if (!recipients.isEmpty()) {
            this.recipients = List.copyOf(recipients);
            this.recipientProblem = null;
            return;
        }
        // Only secret keys: what this encryptor writes (the safety backup before a restore) goes to their public
        // halves, so whoever restores can also restore that. An unusable one (expired) still decrypts.
        Map<String, Recipient> own = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (DecryptionKey key : keys) {
            if (own.containsKey(key.fingerprint())) {
                continue;
            }
            try {
                own.put(key.fingerprint(), Recipient.check(key.certificate(), key.source(), builder.clock.instant()));
            } catch (BadInputException e) {
                problems.add(e.getMessage());
            }
        }
        this.recipients = List.copyOf(own.values());
        this.recipientProblem = problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Starts an encryptor: give recipients to encrypt backups, decryption keys to restore them, or both. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a passphrase from an environment variable (the CLI's {@code --passphrase-env VAR}), so it never appears
     * on a command line.
     */
    public static Secret passphraseFromEnv(String variable) {
        String value = System.getenv(variable);
        if (value == null) {
            throw new BadInputException("environment variable " + variable
                    + " is not set; it must hold the passphrase of the decryption key");
        }
        return Secret.of(value);
    }

    /**
     * Reads a passphrase from the first line of a file (such as a mounted secret); a trailing line break is not
     * part of it.
     */
    public static Secret passphraseFromFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("cannot read the passphrase file " + file + ": " + e.getMessage(), e);
        }
        int end = content.indexOf('\n');
        String line = end < 0 ? content : content.substring(0, end);
        return Secret.of(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    /**
     * Wraps {@code sink} in an OpenPGP message encrypted to every recipient; closing the returned stream finishes
     * the message and closes {@code sink}.
     */
    @Override
    public OutputStream encrypt(OutputStream sink) throws IOException {
        if (recipients.isEmpty()) {
            throw new BadInputException(
                    recipientProblem == null
                            ? "no public key to encrypt to: backup needs --encrypt-to KEYFILE (or pgkeep.encryption.public-keys)"
                            : "no public key to encrypt to (a safety backup before a restore is encrypted to the decryption"
                                    + " key, but " + recipientProblem
                                    + "); restore with --no-safety-backup, or fix the key");
        }
        PGPEncryptedDataGenerator encryptedGenerator =
                new PGPEncryptedDataGenerator(engine.dataEncryptor(SymmetricKeyAlgorithmTags.AES_256));
        for (Recipient recipient : recipients) {
            encryptedGenerator.addMethod(engine.sessionKeyEncryption(recipient.encryptionKey()));
        }
        try {
            OutputStream encrypted = encryptedGenerator.open(sink, new byte[PACKET_BUFFER_SIZE]);
            PGPLiteralDataGenerator literalGenerator = new PGPLiteralDataGenerator();
            OutputStream literal = literalGenerator.open(
                    encrypted, PGPLiteralData.BINARY, "", new Date(), new byte[PACKET_BUFFER_SIZE]);
            return new EncryptingOutputStream(literal, literalGenerator, encryptedGenerator, sink);
        } catch (PGPException e) {
            throw new IOException("cannot start the OpenPGP message: " + e.getMessage(), e);
        }
    }

    /**
     * Opens an OpenPGP message with the secret key its recipient packet names. Fails at once (before any plaintext)
     * when no given key matches; the returned stream fails with an {@link IntegrityException} instead of reaching
     * its end when the message was tampered with.
     */
    @Override
    public InputStream decrypt(InputStream source) throws IOException {
        if (decryptionKeys.isEmpty()) {
            throw new BadInputException(
                    "this backup is OpenPGP-encrypted: restore needs --decrypt-key KEYFILE (the recipient's secret"
                            + " key) and --passphrase-env VAR");
        }
        SourceInputStream tracked = new SourceInputStream(source);
        try {
            return open(tracked);
        } catch (PGPException | IOException | RuntimeException e) {
            IOException sourceFailure = tracked.failure();
            if (sourceFailure != null) {
                throw sourceFailure;
            }
            if (e instanceof PgkeepException pgkeep) {
                throw pgkeep;
            }
            throw new IntegrityException(
                    "not a readable OpenPGP message (" + e.getMessage() + "); the archive is damaged or not encrypted"
                            + " with OpenPGP",
                    e);
        }
    }

    private InputStream open(SourceInputStream source) throws IOException, PGPException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(source));
        Object next = factory.nextObject();
        while (next instanceof PGPMarker) {
            next = factory.nextObject();
        }
        if (!(next instanceof PGPEncryptedDataList list)) {
            throw new IntegrityException("the archive is not an OpenPGP-encrypted message (found "
                    + (next == null ? "no OpenPGP packet" : next.getClass().getSimpleName()) + ")");
        }
        List<Long> messageKeyIds = new ArrayList<>();
        for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
            PGPEncryptedData data = it.next();
            if (!(data instanceof PGPPublicKeyEncryptedData publicKeyData)) {
                continue;
            }
            long keyId = publicKeyData.getKeyID();
            messageKeyIds.add(keyId);
            List<DecryptionKey> candidates = keyId == 0L
                    // gpg --throw-keyids hides the recipient: try every key.
                    ? List.copyOf(decryptionKeys.values())
                    : decryptionKeys.containsKey(keyId) ? List.of(decryptionKeys.get(keyId)) : List.of();
            for (DecryptionKey key : candidates) {
                if (!publicKeyData.isIntegrityProtected()) {
                    throw new IntegrityException("the archive is encrypted without integrity protection (no MDC),"
                            + " so tampering could not be detected; pgkeep refuses to restore it");
                }
                InputStream decrypted;
                try {
                    decrypted = publicKeyData.getDataStream(engine.decryptorFactory(key.privateKey()));
                } catch (PGPException | RuntimeException e) {
                    if (keyId == 0L) {
                        continue;
                    }
                    throw e;
                }
                log.debug(
                        "Decrypting with key {} of {} from {}",
                        Recipient.keyId(key.keyId()),
                        key.fingerprint(),
                        key.source());
                return new DecryptingInputStream(literalData(decrypted), decrypted, publicKeyData, source);
            }
        }
        if (messageKeyIds.isEmpty()) {
            boolean passwordEncrypted = false;
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
                passwordEncrypted |= it.next() instanceof PGPPBEEncryptedData;
            }
            if (passwordEncrypted) {
                throw new BadInputException("the archive is encrypted with a passphrase (gpg --symmetric), not to a"
                        + " public key; decrypt it with gpg --decrypt first and restore the result with --file");
            }
            throw new IntegrityException("the archive is not an OpenPGP message encrypted to a public key");
        }
        throw new BadInputException("the archive was encrypted to key " + describeKeyIds(messageKeyIds)
                + ", not to any key in " + String.join(", ", decryptionKeySources)
                + "; pass the matching secret key with --decrypt-key (gpg --list-secret-keys --with-subkey-fingerprints"
                + " shows key ids; the manifest lists the recipients' fingerprints)");
    }

    /** Finds the literal data inside the decrypted packets, looking through compression and signatures. */
    private static InputStream literalData(InputStream decrypted) throws IOException, PGPException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(decrypted);
        Object next = factory.nextObject();
        while (next != null) {
            if (next instanceof PGPLiteralData literal) {
                return literal.getInputStream();
            }
            if (next instanceof PGPCompressedData compressed) {
                // gpg compresses by default; pgkeep does not, but a file encrypted with gpg must still restore.
                factory = new BcPGPObjectFactory(compressed.getDataStream());
            } else if (!(next instanceof PGPOnePassSignatureList || next instanceof PGPSignatureList)) {
                throw new IntegrityException("unexpected " + next.getClass().getSimpleName()
                        + " inside the encrypted archive; expected literal data");
            }
            next = factory.nextObject();
        }
        throw new IntegrityException("the encrypted archive holds no data packet");
    }

    private static String describeKeyIds(List<Long> keyIds) {
        return keyIds.stream()
                .map(id -> id == 0L ? "(hidden recipient)" : Recipient.keyId(id))
                .collect(Collectors.joining(", "));
    }

    /**
     * Type {@value #TYPE} and the primary-key fingerprints of the recipients: the public keys given, or when none was
     * given, the decryption keys' own public keys.
     */
    @Override
    public BackupManifest.Encryption describe() {
        return new BackupManifest.Encryption(
                TYPE, recipients.stream().map(Recipient::fingerprint).toList());
    }

    @Override
    public String fileSuffix() {
        return ".pgp";
    }

    /** Fingerprints of the secret keys this encryptor can decrypt with. */
    public List<String> decryptionKeyFingerprints() {
        return decryptionKeys.values().stream()
                .map(DecryptionKey::fingerprint)
                .distinct()
                .toList();
    }

    @Override
    public String toString() {
        return "OpenPgpEncryptor[recipients=" + describe().recipients() + ", decryptionKeys="
                + decryptionKeyFingerprints() + "]";
    }

    /** Collects keys; {@link #build()} reads and checks them all. Not thread-safe. */
    public static final class Builder {
        private final List<KeySource> publicKeys = new ArrayList<>();
        private final List<SecretKeySource> secretKeys = new ArrayList<>();
        private final List<String> decryptionKeySources = new ArrayList<>();
        private CipherEngine engine = CipherEngine.JDK_JCE;
        private Clock clock = Clock.systemUTC();
        private int streams;

        private Builder() {}

        /** Encrypts to every public key in this file (armored or binary, one key or a key ring). Repeatable. */
        public Builder recipient(Path publicKeyFile) {
            Objects.requireNonNull(publicKeyFile, "publicKeyFile");
            publicKeys.add(new KeySource(publicKeyFile.toString(), () -> readFile(publicKeyFile, "public key")));
            return this;
        }

        /** Encrypts to every public key in this stream, read (and closed) by {@link #build()}. Repeatable. */
        public Builder recipient(InputStream publicKeys) {
            return recipient(publicKeys, "public key stream #" + (++streams));
        }

        /**
         * Encrypts to every public key in this stream, read (and closed) by {@link #build()}.
         *
         * @param name names the stream in error messages, e.g. {@code classpath:keys/ops.asc}
         */
        public Builder recipient(InputStream publicKeys, String name) {
            Objects.requireNonNull(publicKeys, "publicKeys");
            this.publicKeys.add(new KeySource(name, () -> readStream(publicKeys, name)));
            return this;
        }

        /**
         * Decrypts with the secret keys in this file (armored or binary), unlocked with the passphrase. Repeatable:
         * give the old and the new key after a rotation and each backup finds its own.
         */
        public Builder decryptionKey(Path secretKeyFile, Secret passphrase) {
            Objects.requireNonNull(passphrase, "passphrase");
            return addDecryptionKey(secretKeyFile, passphrase);
        }

        /**
         * Decrypts with the secret keys in this file that no passphrase protects (as {@code gpg --passphrase ''}
         * makes them); a protected key fails {@link #build()} saying its passphrase is missing.
         */
        public Builder decryptionKey(Path secretKeyFile) {
            return addDecryptionKey(secretKeyFile, null);
        }

        private Builder addDecryptionKey(Path secretKeyFile, @Nullable Secret passphrase) {
            Objects.requireNonNull(secretKeyFile, "secretKeyFile");
            secretKeys.add(new SecretKeySource(
                    new KeySource(secretKeyFile.toString(), () -> readFile(secretKeyFile, "secret key")), passphrase));
            decryptionKeySources.add(secretKeyFile.toString());
            return this;
        }

        /** As {@link #decryptionKey(Path, Secret)}; the caller may wipe {@code passphrase} after {@link #build()}. */
        public Builder decryptionKey(Path secretKeyFile, char[] passphrase) {
            return decryptionKey(secretKeyFile, Secret.of(passphrase));
        }

        /**
         * Decrypts with the secret keys in this stream, read (and closed) by {@link #build()}.
         *
         * @param name names the stream in error messages
         */
        public Builder decryptionKey(InputStream secretKeys, String name, Secret passphrase) {
            Objects.requireNonNull(passphrase, "passphrase");
            return addDecryptionKey(secretKeys, name, passphrase);
        }

        /** As {@link #decryptionKey(Path)}: keys no passphrase protects, read (and closed) by {@link #build()}. */
        public Builder decryptionKey(InputStream secretKeys, String name) {
            return addDecryptionKey(secretKeys, name, null);
        }

        private Builder addDecryptionKey(InputStream secretKeys, String name, @Nullable Secret passphrase) {
            Objects.requireNonNull(secretKeys, "secretKeys");
            this.secretKeys.add(
                    new SecretKeySource(new KeySource(name, () -> readStream(secretKeys, name)), passphrase));
            decryptionKeySources.add(name);
            return this;
        }

        Builder engine(CipherEngine engine) {
            this.engine = engine;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Reads every key, rejects public keys that are expired, revoked or cannot encrypt, and unlocks the secret
         * keys.
         *
         * @throws BadInputException naming the file and what to do, when a key is missing or unusable
         */
        public OpenPgpEncryptor build() {
            if (publicKeys.isEmpty() && secretKeys.isEmpty()) {
                throw new BadInputException("an OpenPGP encryptor needs a public key to encrypt to (--encrypt-to"
                        + " KEYFILE) or a secret key to decrypt with (--decrypt-key KEYFILE)");
            }
            Map<String, Recipient> recipients = new LinkedHashMap<>();
            for (KeySource source : publicKeys) {
                for (Recipient recipient : Recipient.read(source.read(), source.name(), clock.instant())) {
                    recipients.putIfAbsent(recipient.fingerprint(), recipient);
                }
            }
            List<DecryptionKey> keys = new ArrayList<>();
            for (SecretKeySource source : secretKeys) {
                keys.addAll(DecryptionKey.read(source.key().read(), source.key().name(), source.passphrase()));
            }
            return new OpenPgpEncryptor(this, new ArrayList<>(recipients.values()), keys);
        }

        static byte[] readFile(Path file, String what) {
            try {
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new BadInputException(what + " file " + file + " does not exist", e);
            } catch (IOException e) {
                throw new BadInputException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
            }
        }

        static byte[] readStream(InputStream in, String name) {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new BadInputException("cannot read " + name + ": " + e.getMessage(), e);
            }
        }
    }

    private interface KeyBytes {
        byte[] read();
    }

    private record KeySource(String name, KeyBytes bytes) {
        byte[] read() {
            return bytes.read();
        }
    }

    private record SecretKeySource(KeySource key, @Nullable Secret passphrase) {}
}
