package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.Progress;
import dev.pgkeep.core.ProgressListener;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the bytes of one operation's phases for a {@link ProgressListener}: two atomic adds per buffer (a reading
 * and a writing thread may count at once) and a clock read; the listener hears at most every {@link #INTERVAL_NANOS}
 * and at each phase's end. {@link #NONE} counts nothing.
 */
public final class ProgressMeter {
    private static final Logger log = LoggerFactory.getLogger(ProgressMeter.class);
    static final long INTERVAL_NANOS = 200_000_000L;

    public static final ProgressMeter NONE = new ProgressMeter(ProgressListener.NONE);

    private final ProgressListener listener;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile String phase = "";
    private volatile long expected = -1;
    private volatile boolean estimate;
    private volatile long startedNanos;
    private volatile long lastReportNanos;
    private volatile @Nullable String table;
    /** Between start and finish: bytes counted outside a phase (a header peek) report nothing. */
    private volatile boolean active;

    private ProgressMeter(ProgressListener listener) {
        this.listener = listener;
    }

    public static ProgressMeter of(ProgressListener listener) {
        return listener == ProgressListener.NONE ? NONE : new ProgressMeter(listener);
    }

    public boolean enabled() {
        return this != NONE;
    }

    /** A phase begins: the counters start from 0. */
    public void start(String newPhase, long expectedBytes, boolean isEstimate) {
        if (!enabled()) {
            return;
        }
        read.set(0);
        written.set(0);
        table = null;
        phase = newPhase;
        expected = expectedBytes;
        estimate = isEstimate;
        startedNanos = System.nanoTime();
        lastReportNanos = startedNanos;
        active = true;
        report(false);
    }

    /** The phase ended: its last report. */
    public void finish() {
        if (enabled() && active) {
            active = false;
            report(true);
        }
    }

    public void read(long bytes) {
        if (enabled()) {
            read.addAndGet(bytes);
            maybeReport();
        }
    }

    public void written(long bytes) {
        if (enabled()) {
            written.addAndGet(bytes);
            maybeReport();
        }
    }

    /** The table whose data streams past now, when known. */
    public void table(@Nullable String name) {
        if (enabled()) {
            table = name;
        }
    }

    /** {@code in}, counting what is read from it into this phase's bytes read. */
    public InputStream reading(InputStream in) {
        return counting(in, false);
    }

    /** {@code in}, counting what is read from it into this phase's bytes written (what it passes on). */
    public InputStream passing(InputStream in) {
        return counting(in, true);
    }

    private InputStream counting(InputStream in, boolean asWritten) {
        if (!enabled()) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) {
                if (asWritten) {
                    written(n);
                } else {
                    ProgressMeter.this.read(n);
                }
            }
        };
    }

    /** {@code out}, counting what is written to it into this phase's bytes written. */
    public OutputStream writing(OutputStream out) {
        if (!enabled()) {
            return out;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                written(1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                out.write(buffer, offset, length);
                written(length);
            }
        };
    }

    private void maybeReport() {
        long now = System.nanoTime();
        if (active && now - lastReportNanos >= INTERVAL_NANOS) {
            synchronized (this) {
                // the other thread may have reported meanwhile
                if (active && now - lastReportNanos >= INTERVAL_NANOS) {
                    report(false);
                }
            }
        }
    }

    private synchronized void report(boolean done) {
        long now = System.nanoTime();
        lastReportNanos = now;
        try {
            listener.onProgress(new Progress(
                    phase,
                    read.get(),
                    written.get(),
                    expected,
                    estimate,
                    Duration.ofNanos(now - startedNanos),
                    table,
                    done));
        } catch (RuntimeException e) {
            log.debug("A progress listener failed: {}", e.toString());
        }
    }
}
