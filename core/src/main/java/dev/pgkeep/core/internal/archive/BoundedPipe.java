package dev.pgkeep.core.internal.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Hands bytes from one thread to another through a fixed number of fixed-size buffers, so two pipeline stages run
 * concurrently with memory bounded by {@code buffers × bufferSize}. A failure on either side wakes and fails the
 * other: the producer's next write throws, the consumer stops.
 */
public final class BoundedPipe {
    /** A filled buffer and how many of its bytes count; length -1 marks the end of the stream. */
    private record Chunk(byte[] data, int length) {}

    private static final Chunk END = new Chunk(new byte[0], -1);
    private static final Chunk ABORTED = new Chunk(new byte[0], -2);

    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Chunk> filled;
    private volatile @Nullable Throwable consumerFailure;
    private final Output output;

    BoundedPipe(int buffers, int bufferSize) {
        free = new ArrayBlockingQueue<>(buffers);
        filled = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        output = new Output();
    }

    /** The producer's side; {@link OutputStream#close()} ends the stream. */
    OutputStream output() {
        return output;
    }

    /**
     * The consumer's loop: passes every chunk to {@code sink} on the calling thread until the producer closes the
     * stream. Returns normally only if the producer finished.
     */
    void drainTo(OutputStream sink) throws IOException, InterruptedException {
        try {
            while (true) {
                Chunk chunk = filled.take();
                if (chunk == END) {
                    return;
                }
                if (chunk == ABORTED) {
                    throw new ProducerFailedException();
                }
                sink.write(chunk.data(), 0, chunk.length());
                free.put(chunk.data());
            }
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            failConsumer(e);
            throw e;
        }
    }

    /** Marks the consumer side as failed (or cancelled) so that a blocked producer wakes up and fails too. */
    void failConsumer(Throwable cause) {
        consumerFailure = cause;
        free.offer(new byte[0]); // wakes a producer waiting for a free buffer
    }

    /** Marks the producer side as failed so that the consumer stops instead of waiting for more data. */
    void failProducer() {
        filled.offer(ABORTED);
    }

    private final class Output extends OutputStream {
        private byte @Nullable [] current;
        private int fill;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                byte[] buffer = current;
                if (buffer == null) {
                    buffer = takeFree();
                    current = buffer;
                    fill = 0;
                }
                int n = Math.min(len, buffer.length - fill);
                System.arraycopy(b, off, buffer, fill, n);
                fill += n;
                off += n;
                len -= n;
                if (fill == buffer.length) {
                    flushCurrent();
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null && fill > 0) {
                flushCurrent();
            }
            put(END);
        }

        private void flushCurrent() throws IOException {
            byte[] buffer = current;
            current = null;
            if (buffer != null) {
                put(new Chunk(buffer, fill));
            }
        }

        private byte[] takeFree() throws IOException {
            checkConsumer();
            try {
                byte[] buffer = free.take();
                checkConsumer();
                return buffer;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the next pipeline stage");
            }
        }

        private void put(Chunk chunk) throws IOException {
            checkConsumer();
            try {
                filled.put(chunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while handing data to the next pipeline stage");
            }
        }

        private void checkConsumer() throws IOException {
            Throwable failure = consumerFailure;
            if (failure != null) {
                throw new IOException("the next pipeline stage failed: " + failure.getMessage(), failure);
            }
        }
    }

    /** What the consumer sees when the producer failed: the producer's own failure is the one to report. */
    static final class ProducerFailedException extends IOException {
        ProducerFailedException() {
            super("the previous pipeline stage failed");
        }
    }
}
