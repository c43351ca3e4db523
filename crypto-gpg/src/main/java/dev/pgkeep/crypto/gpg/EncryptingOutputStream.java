package dev.pgkeep.crypto.gpg;

import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;

/** The plaintext side of one OpenPGP message; closing it writes the integrity packet and closes the sink. */
final class EncryptingOutputStream extends OutputStream {
    private final OutputStream literal;
    private final PGPLiteralDataGenerator literalGenerator;
    private final PGPEncryptedDataGenerator encryptedGenerator;
    private final OutputStream sink;
    private boolean closed;

    EncryptingOutputStream(
            OutputStream literal,
            PGPLiteralDataGenerator literalGenerator,
            PGPEncryptedDataGenerator encryptedGenerator,
            OutputStream sink) {
        this.literal = literal;
        this.literalGenerator = literalGenerator;
        this.encryptedGenerator = encryptedGenerator;
        this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        literal.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        literal.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        literal.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (sink) {
            literalGenerator.close();
            encryptedGenerator.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the encrypting stream is closed");
        }
    }
}
