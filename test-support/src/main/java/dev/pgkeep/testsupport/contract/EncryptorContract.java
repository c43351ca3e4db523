package dev.pgkeep.testsupport.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.Encryptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Encryptor} that really encrypts must show. An implementation's test extends this class
 * and supplies the encryptors; the {@code @Test} methods live here, so every implementation is held to the same
 * rules (round trip, several recipients, large and empty streams, tampering, truncation).
 */
public abstract class EncryptorContract {

    /** Size of the "large" stream: far beyond any internal buffer, small enough for a quick build. */
    protected static final long LARGE_STREAM_BYTES = 96L * 1024 * 1024;

    @TempDir
    private Path temporaryDirectory;

    /** An encryptor that can both encrypt and decrypt what it encrypted. */
    protected abstract Encryptor encryptor();

    /**
     * An encryptor that encrypts to several recipients, and per recipient an encryptor that decrypts with only that
     * recipient's key.
     */
    protected abstract Recipients severalRecipients();

    /** An encryptor that cannot decrypt what {@link #encryptor()} wrote (it holds an unrelated key). */
    protected abstract Encryptor encryptorWithAnotherKey();

    /**
     * One encrypting encryptor and the ones that each decrypt with a single recipient's key.
     *
     * @param decryptorPerRecipient one per recipient, in any order
     */
    public record Recipients(Encryptor encryptor, List<Encryptor> decryptorPerRecipient) {
        public Recipients {
            decryptorPerRecipient = List.copyOf(decryptorPerRecipient);
        }
    }

    @Test
    void roundTripReturnsTheExactBytes() throws IOException {
        byte[] plaintext = randomBytes(3 * 1024 * 1024 + 17, 1);

        byte[] ciphertext = encrypt(encryptor(), plaintext);

        assertThat(decrypt(encryptor(), ciphertext)).isEqualTo(plaintext);
    }

    @Test
    void ciphertextDoesNotRevealThePlaintext() throws IOException {
        byte[] plaintext =
                "PGDMP secret row: card 4111-1111-1111-1111\n".repeat(2000).getBytes(StandardCharsets.UTF_8);

        byte[] ciphertext = encrypt(encryptor(), plaintext);

        assertThat(indexOf(ciphertext, "4111-1111".getBytes(StandardCharsets.UTF_8)))
                .as("plaintext visible in the ciphertext")
                .isEqualTo(-1);
        assertThat(ciphertext).isNotEqualTo(plaintext);
    }

    @Test
    void encryptingTwiceGivesDifferentCiphertexts() throws IOException {
        byte[] plaintext = randomBytes(4096, 2);

        assertThat(encrypt(encryptor(), plaintext)).isNotEqualTo(encrypt(encryptor(), plaintext));
    }

    @Test
    void emptyStreamRoundTrips() throws IOException {
        byte[] ciphertext = encrypt(encryptor(), new byte[0]);

        assertThat(ciphertext).as("even an empty message has headers").isNotEmpty();
        assertThat(decrypt(encryptor(), ciphertext)).isEmpty();
    }

    @Test
    void singleByteWritesAndReadsRoundTrip() throws IOException {
        byte[] plaintext = randomBytes(10_000, 3);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = encryptor().encrypt(sink)) {
            for (byte b : plaintext) {
                out.write(b);
            }
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = encryptor().decrypt(new ByteArrayInputStream(sink.toByteArray()))) {
            int b;
            while ((b = in.read()) >= 0) {
                result.write(b);
            }
        }

        assertThat(result.toByteArray()).isEqualTo(plaintext);
    }

    @Test
    void largeStreamRoundTripsThroughFiles() throws IOException {
        Path encrypted = temporaryDirectory.resolve("large.enc");
        MessageDigest written = sha256();
        try (OutputStream out = encryptor().encrypt(Files.newOutputStream(encrypted))) {
            byte[] chunk = new byte[1024 * 1024];
            Random random = new Random(4);
            for (long done = 0; done < LARGE_STREAM_BYTES; done += chunk.length) {
                random.nextBytes(chunk);
                written.update(chunk);
                out.write(chunk);
            }
        }
        MessageDigest read = sha256();
        long readBytes = 0;
        try (InputStream in = encryptor().decrypt(Files.newInputStream(encrypted))) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.update(buffer, 0, n);
                readBytes += n;
            }
        }

        assertThat(readBytes).isEqualTo(LARGE_STREAM_BYTES);
        assertThat(HexFormat.of().formatHex(read.digest()))
                .isEqualTo(HexFormat.of().formatHex(written.digest()));
    }

    @Test
    void everyRecipientCanDecryptAlone() throws IOException {
        Recipients recipients = severalRecipients();
        assertThat(recipients.decryptorPerRecipient()).hasSizeGreaterThanOrEqualTo(2);
        byte[] plaintext = randomBytes(100_000, 5);

        byte[] ciphertext = encrypt(recipients.encryptor(), plaintext);

        for (Encryptor decryptor : recipients.decryptorPerRecipient()) {
            assertThat(decrypt(decryptor, ciphertext)).isEqualTo(plaintext);
        }
        assertThat(recipients.encryptor().describe()).isNotNull();
        assertThat(recipients.encryptor().describe().recipients())
                .hasSize(recipients.decryptorPerRecipient().size());
    }

    @Test
    void anotherKeyCannotDecrypt() throws IOException {
        byte[] ciphertext = encrypt(encryptor(), randomBytes(1000, 6));

        assertThatThrownBy(() -> decrypt(encryptorWithAnotherKey(), ciphertext))
                .isInstanceOf(PgkeepException.class)
                .isNotInstanceOf(IntegrityException.class);
    }

    @Test
    void flippedByteInTheMiddleFailsWithIntegrityException() throws IOException {
        byte[] ciphertext = encrypt(encryptor(), randomBytes(200_000, 7));
        ciphertext[ciphertext.length / 2] ^= 0x01;

        assertThatThrownBy(() -> decrypt(encryptor(), ciphertext)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void flippedLastByteFailsWithIntegrityException() throws IOException {
        byte[] ciphertext = encrypt(encryptor(), randomBytes(200_000, 8));
        ciphertext[ciphertext.length - 1] ^= 0x01;

        assertThatThrownBy(() -> decrypt(encryptor(), ciphertext)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void truncatedCiphertextFailsWithIntegrityException() throws IOException {
        byte[] ciphertext = encrypt(encryptor(), randomBytes(200_000, 9));
        byte[] truncated = Arrays.copyOf(ciphertext, ciphertext.length - 100);

        assertThatThrownBy(() -> decrypt(encryptor(), truncated)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void plaintextIsNotAcceptedAsCiphertext() {
        byte[] plaintext = randomBytes(10_000, 10);

        assertThatThrownBy(() -> decrypt(encryptor(), plaintext)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void closingTheEncryptingStreamClosesTheSink() throws IOException {
        CloseRecordingStream sink = new CloseRecordingStream();

        encryptor().encrypt(sink).close();

        assertThat(sink.closed).isTrue();
    }

    @Test
    void describesItselfForTheManifest() {
        BackupManifest.Encryption description = encryptor().describe();

        assertThat(description).isNotNull();
        assertThat(description.type()).isNotBlank();
        assertThat(description.recipients())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(encryptor().fileSuffix()).startsWith(".").hasSizeGreaterThan(1);
    }

    /** Encrypts {@code plaintext} in chunks of uneven size, as a pipeline would. */
    protected static byte[] encrypt(Encryptor encryptor, byte[] plaintext) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.encrypt(sink)) {
            int offset = 0;
            int chunk = 1;
            while (offset < plaintext.length) {
                int n = Math.min(chunk, plaintext.length - offset);
                out.write(plaintext, offset, n);
                offset += n;
                chunk = chunk * 3 + 7;
            }
        }
        return sink.toByteArray();
    }

    /** Decrypts to the end of the stream, as a restore would. */
    protected static byte[] decrypt(Encryptor encryptor, byte[] ciphertext) throws IOException {
        try (InputStream in = encryptor.decrypt(new ByteArrayInputStream(ciphertext))) {
            return in.readAllBytes();
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CloseRecordingStream extends FilterOutputStream {
        boolean closed;

        CloseRecordingStream() {
            super(new ByteArrayOutputStream());
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
