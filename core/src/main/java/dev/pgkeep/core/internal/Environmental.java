package dev.pgkeep.core.internal;

import dev.pgkeep.core.PgkeepException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Tells a failing environment from a damaged archive. Streams that read storage or temporary files and write
 * temporary files are wrapped here, so that their I/O errors (an S3 read failure, a full temp disk) reach the decoders
 * marked: those are failed runs ({@code FAILED}), never proof that a backup is bad. Only what the decoders and checks
 * themselves find (a checksum, OpenPGP integrity, the archive's structure) is an integrity failure.
 */
public final class Environmental {
    private Environmental() {}

    /** An I/O error of the environment, not of the archive's bytes. */
    static final class EnvironmentIOException extends IOException {
        EnvironmentIOException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Whether {@code failure} (or one of its causes) came from the environment. */
    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EnvironmentIOException) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
        }
        return false;
    }

    /** A failed run: {@code what} could not be done because of {@code failure}'s environment. */
    public static PgkeepException failure(String what, Throwable failure) {
        Throwable shown =
                failure instanceof EnvironmentIOException && failure.getCause() != null ? failure.getCause() : failure;
        return new PgkeepException(what + ": " + shown.getMessage(), failure);
    }

    private static IOException marked(IOException e) {
        return e instanceof EnvironmentIOException ? e : new EnvironmentIOException(e);
    }

    public static InputStream input(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }
        };
    }

    public static OutputStream output(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw Environmental.marked(e);
                }
            }
        };
    }
}
