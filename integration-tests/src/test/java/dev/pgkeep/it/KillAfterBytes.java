package dev.pgkeep.it;

import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** A process whose stdout is cut and which is killed (SIGKILL) once {@code limit} bytes have been read from it. */
final class KillAfterBytes implements RunningProcess {
    private final RunningProcess delegate;
    private final InputStream stdout;

    KillAfterBytes(RunningProcess delegate, long limit) {
        this.delegate = delegate;
        this.stdout = new FilterInputStream(delegate.stdout()) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= limit) {
                    delegate.kill();
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, limit - read));
                if (n > 0) {
                    read += n;
                }
                return n;
            }
        };
    }

    @Override
    public OutputStream stdin() {
        return delegate.stdin();
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return delegate.stderr();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return delegate.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.waitFor(timeout, unit);
    }

    @Override
    public void kill() {
        delegate.kill();
    }

    @Override
    public boolean isAlive() {
        return delegate.isAlive();
    }
}
