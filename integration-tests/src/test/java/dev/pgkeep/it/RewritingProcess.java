package dev.pgkeep.it;

import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A real process whose stdout (what it writes) or stdin (what it is given) has one byte replaced, and whose stdout may
 * be cut after some bytes while the process still reports exit code 0: stands in for tools pgkeep does not know yet,
 * and for a tool runner that loses output.
 */
final class RewritingProcess extends DelegatingProcess {
    private final InputStream stdout;
    private final OutputStream stdin;
    private final boolean cut;

    private RewritingProcess(RunningProcess delegate, InputStream stdout, OutputStream stdin, boolean cut) {
        super(delegate);
        this.stdout = stdout;
        this.stdin = stdin;
        this.cut = cut;
    }

    /** Replaces the byte at {@code offset} of stdout with {@code value}, and ends stdout after {@code limit} bytes. */
    static RewritingProcess stdout(RunningProcess delegate, long offset, int value, long limit) {
        InputStream out = new FilterInputStream(delegate.stdout()) {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= limit) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, limit - position));
                if (n > 0) {
                    patch(b, off, n, position, offset, value);
                    position += n;
                }
                return n;
            }
        };
        return new RewritingProcess(delegate, out, delegate.stdin(), limit != Long.MAX_VALUE);
    }

    /** Replaces the byte at {@code offset} of what is written to stdin with {@code value}. */
    static RewritingProcess stdin(RunningProcess delegate, long offset, int value) {
        OutputStream in = new FilterOutputStream(delegate.stdin()) {
            private long position;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                patch(copy, 0, len, position, offset, value);
                position += len;
                out.write(copy, 0, len);
            }
        };
        return new RewritingProcess(delegate, delegate.stdout(), in, false);
    }

    private static void patch(byte[] b, int off, int n, long position, long offset, int value) {
        if (offset >= position && offset < position + n) {
            b[off + (int) (offset - position)] = (byte) value;
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public int waitFor() throws InterruptedException {
        int exit = delegate.waitFor();
        return cut ? 0 : exit;
    }
}
