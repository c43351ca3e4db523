package dev.pgkeep.it;

import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** A real process seen through a test's lens: every call goes to it unless a subclass changes it. */
abstract class DelegatingProcess implements RunningProcess {
    final RunningProcess delegate;

    DelegatingProcess(RunningProcess delegate) {
        this.delegate = delegate;
    }

    @Override
    public OutputStream stdin() {
        return delegate.stdin();
    }

    @Override
    public InputStream stdout() {
        return delegate.stdout();
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
