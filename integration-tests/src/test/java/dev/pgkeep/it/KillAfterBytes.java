package dev.pgkeep.it;

import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A process whose stdout is cut and which is killed (SIGKILL) once {@code limit} bytes have been read from it. */
final class KillAfterBytes extends DelegatingProcess {
    private final InputStream stdout;

    KillAfterBytes(RunningProcess delegate, long limit) {
        super(delegate);
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
    public InputStream stdout() {
        return stdout;
    }
}
