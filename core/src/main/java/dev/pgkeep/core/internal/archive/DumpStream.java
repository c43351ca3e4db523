package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The backup pipeline's streaming part: pg_dump's stdout → archive inspection, the pg_restore check of the table of
 * contents and compression (one thread) →
 * encryption, SHA-256 and byte count → storage (the calling thread). pg_dump itself is a third process, so all three
 * stages overlap; memory is bounded by the pipe's fixed buffers whatever the database size.
 */
public final class DumpStream {
    static final int READ_BUFFER = 256 * 1024;
    static final int PIPE_BUFFERS = 8;
    static final int PIPE_BUFFER_SIZE = 512 * 1024;

    /** What went through the pipeline. */
    public record Outcome(long dumpBytes, long storedBytes, String sha256, ArchiveInspector inspector) {}

    private DumpStream() {}

    /**
     * Streams {@code pgDump}'s archive into {@code storage}. Does not wait for pg_dump's exit; kills it when a stage
     * fails. {@code storage} is flushed, not closed.
     */
    public static Outcome run(
            RunningProcess pgDump,
            Codec codec,
            Encryptor encryptor,
            OutputStream storage,
            DumpChecks checks,
            ProgressMeter meter)
            throws IOException, InterruptedException {
        BoundedPipe pipe = new BoundedPipe(PIPE_BUFFERS, PIPE_BUFFER_SIZE);
        AtomicReference<@Nullable Throwable> producerFailure = new AtomicReference<>();
        long[] dumpBytes = new long[1];
        Thread producer = new Thread(
                () -> {
                    try (InputStream in = pgDump.stdout();
                            OutputStream compressed = codec.compress(pipe.output())) {
                        byte[] buffer = new byte[READ_BUFFER];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            checks.update(buffer, 0, n);
                            compressed.write(buffer, 0, n);
                            dumpBytes[0] += n;
                            if (meter.enabled()) {
                                meter.table(checks.inspector().currentTable());
                                meter.read(n);
                            }
                        }
                        checks.finish();
                    } catch (Throwable t) {
                        producerFailure.set(t);
                        pipe.failProducer();
                        pgDump.kill();
                    }
                },
                "pgkeep-compress");
        producer.setDaemon(true);
        producer.start();

        CountingDigestOutputStream counted = new CountingDigestOutputStream(meter.writing(storage));
        try {
            try (OutputStream encrypted = encryptor.encrypt(counted)) {
                pipe.drainTo(encrypted);
            }
            producer.join();
        } catch (IOException | InterruptedException | RuntimeException e) {
            pipe.failConsumer(e);
            pgDump.kill();
            producer.join(10_000);
            Throwable first = producerFailure.get();
            if (first != null && e instanceof BoundedPipe.ProducerFailedException) {
                throw first instanceof IOException io ? io : new IOException(first.getMessage(), first);
            }
            throw e;
        }
        Throwable failure = producerFailure.get();
        if (failure != null) {
            throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
        }
        return new Outcome(dumpBytes[0], counted.count(), counted.sha256Hex(), checks.inspector());
    }
}
