package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;

/**
 * The plaintext of one OpenPGP message. It never reports the end of the stream before the integrity packet
 * (MDC) has been checked: a tampered message ends in an {@link IntegrityException} instead of EOF.
 */
final class DecryptingInputStream extends InputStream {
    private final InputStream plaintext;
    private final InputStream decrypted;
    private final PGPEncryptedData encrypted;
    private final SourceInputStream source;
    private final byte[] single = new byte[1];
    private boolean verified;
    private boolean closed;

    /**
     * @param plaintext the literal data
     * @param decrypted the whole decrypted packet stream, of which the literal data is a part
     */
    DecryptingInputStream(
            InputStream plaintext, InputStream decrypted, PGPEncryptedData encrypted, SourceInputStream source) {
        this.plaintext = plaintext;
        this.decrypted = decrypted;
        this.encrypted = encrypted;
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the decrypting stream is closed");
        }
        if (verified) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = plaintext.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
        if (n < 0) {
            verify();
            return -1;
        }
        return n;
    }

    private void verify() throws IOException {
        try {
            // Trailing packets (a signature, the rest of a compressed packet) are covered by the MDC too.
            byte[] rest = new byte[8192];
            while (decrypted.read(rest) >= 0) {
                // drained
            }
            if (!encrypted.verify()) {
                throw new IntegrityException(
                        "the encrypted archive failed its OpenPGP integrity check (MDC mismatch): it was modified or"
                                + " damaged after it was written; do not restore from it");
            }
        } catch (PGPException | IOException | RuntimeException e) {
            throw translate(e);
        }
        verified = true;
    }

    /**
     * Failures of the storage stream stay I/O errors (returned, for the caller to throw); anything that breaks inside
     * the message is an integrity failure.
     */
    private IOException translate(Exception e) {
        IOException sourceFailure = source.failure();
        if (sourceFailure != null) {
            return sourceFailure;
        }
        if (e instanceof PgkeepException pgkeep) {
            throw pgkeep;
        }
        throw new IntegrityException(
                "the encrypted archive is damaged or truncated (" + e.getMessage()
                        + "); it cannot be decrypted and must not be restored",
                e);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        source.close();
    }
}
