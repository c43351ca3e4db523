package dev.pgkeep.core.spi;

import dev.pgkeep.core.BackupManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts the compressed archive on its way to storage and decrypts it on the way back. Implementations must
 * stream (constant memory) and must signal an integrity failure on decryption by throwing
 * {@link dev.pgkeep.core.IntegrityException} (at the latest when the stream reaches its end).
 */
public interface Encryptor {

    /** No encryption: streams pass through unchanged. */
    Encryptor NONE = new Encryptor() {
        @Override
        public OutputStream encrypt(OutputStream sink) {
            return sink;
        }

        @Override
        public InputStream decrypt(InputStream source) {
            return source;
        }

        @Override
        public BackupManifest.@Nullable Encryption describe() {
            return null;
        }

        @Override
        public String fileSuffix() {
            return "";
        }
    };

    /** Wraps {@code sink}; closing the returned stream finishes the message and closes {@code sink}. */
    OutputStream encrypt(OutputStream sink) throws IOException;

    /** Wraps {@code source}; fails with an {@link dev.pgkeep.core.IntegrityException} on tampered input. */
    InputStream decrypt(InputStream source) throws IOException;

    /** What goes into the manifest's {@code encryption} field; {@code null} when nothing is encrypted. */
    BackupManifest.@Nullable Encryption describe();

    /** Appended to the dump object's name, e.g. {@code .pgp}. */
    String fileSuffix();
}
