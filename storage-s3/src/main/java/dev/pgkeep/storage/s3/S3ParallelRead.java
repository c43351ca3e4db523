package dev.pgkeep.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One object read as one stream, fast: the first range ({@code bufferSize} bytes) streams straight from its GET while
 * the next ranges download in parallel, each with its own ranged GET, into buffers of the adapter's {@link
 * BufferPool}; the reader gets them in order. At most {@code depth} ranges are ahead of the reader, and only as many as
 * the pool has free buffers right now: a read never waits for a buffer (when none is free, the next range streams
 * straight from its GET like the first), so a thread that reads from an adapter and writes into the same one cannot
 * deadlock on its buffers, and the read holds at most {@code depth} of them. Every range after the first asks for the first answer's ETag ({@code If-Match}), so an object replaced
 * during the read fails instead of mixing two versions. A range that ends early or fails while its body is read is
 * fetched again, up to {@code maxAttempts} times; then, like every failed request, it surfaces as an IOException
 * from {@link #read}.
 */
final class S3ParallelRead extends InputStream {
    private static final Logger log = LoggerFactory.getLogger(S3ParallelRead.class);

    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final String location;
    private final @Nullable String eTag;
    private final long size;
    private final BufferPool pool;
    private final int bufferSize;
    private final int depth;
    private final int maxAttempts;
    private final ArrayDeque<Range> ahead = new ArrayDeque<>();
    private final ExecutorService fetcher;

    /** The body of a range streamed straight from its GET (the first one, or one no buffer was free for). */
    private @Nullable InputStream direct;

    private long directStart;
    private int directLength;
    private int directRead;
    private int directAttempts = 1;
    /** The range being read from its buffer. */
    private @Nullable Range current;

    private int position;
    /** Start of the next range to schedule. */
    private long nextStart;

    private boolean closed;
    private boolean stopped;

    private record Range(long start, int length, byte[][] buffer, Future<?> download) {}

    /**
     * Takes over {@code firstResponse} (the answer to a GET of {@code bytes=0-(bufferSize-1)} of an object of {@code
     * size} bytes) and starts the next ranges.
     */
    S3ParallelRead(
            S3Client s3,
            String bucket,
            String objectKey,
            String location,
            ResponseInputStream<GetObjectResponse> firstResponse,
            long size,
            BufferPool pool,
            int depth,
            int maxAttempts) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.location = location;
        this.eTag = firstResponse.response().eTag();
        this.size = size;
        this.pool = pool;
        this.bufferSize = pool.bufferSize();
        this.depth = depth;
        this.maxAttempts = maxAttempts;
        this.direct = firstResponse;
        this.directLength = (int) Math.min(size, bufferSize);
        this.nextStart = directLength;
        this.fetcher = BufferPool.transferThreads(depth, "pgkeep-s3-read");
        pool.open();
        topUp();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Reading " + location + ": the stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (direct != null) {
                int n = readDirect(b, off, len);
                if (n > 0) {
                    return n;
                }
                topUp();
            }
            Range range = current;
            if (range != null && position < range.length()) {
                int at = position % bufferSize;
                int n = Math.min(len, Math.min(range.length() - position, bufferSize - at));
                System.arraycopy(range.buffer()[position / bufferSize], at, b, off, n);
                position += n;
                return n;
            }
            if (range != null) {
                current = null;
                pool.release(range.buffer());
                topUp();
            }
            if (ahead.isEmpty()) {
                if (nextStart >= size) {
                    stop(); // the buffers go back at the end even if the caller never closes
                    return -1;
                }
                topUp();
                if (ahead.isEmpty()) {
                    openDirect(); // no buffer free: this range streams, the ones after it may find buffers
                    topUp();
                    continue;
                }
            }
            current = next();
            position = 0;
        }
    }

    private void openDirect() throws IOException {
        directStart = nextStart;
        directLength = (int) Math.min(bufferSize, size - directStart);
        directRead = 0;
        directAttempts = 1;
        nextStart = directStart + directLength;
        direct = get(directStart, directLength);
    }

    private ResponseInputStream<GetObjectResponse> get(long start, int length) throws IOException {
        String range = "bytes=" + start + "-" + (start + length - 1);
        try {
            return s3.getObject(
                    r -> r.bucket(bucket).key(objectKey).range(range).ifMatch(eTag));
        } catch (SdkException e) {
            throw S3Failures.describe("Reading " + range + " of", location, e);
        }
    }

    /** Reads from a streamed range's body; when it breaks off or ends early, asks again for the rest of it. */
    private int readDirect(byte[] b, int off, int len) throws IOException {
        while (true) {
            InputStream body = Objects.requireNonNull(direct);
            IOException failed = null;
            try {
                int n = body.read(b, off, Math.min(len, directLength - directRead));
                if (n > 0) {
                    directRead += n;
                    return n;
                }
            } catch (IOException e) {
                failed = e;
            } catch (SdkException e) {
                failed = new IOException(e.getMessage(), e);
            }
            if (directRead == directLength && failed == null) {
                direct = null;
                body.close();
                return -1;
            }
            abort(body);
            direct = null;
            String rest = "bytes=" + (directStart + directRead) + "-" + (directStart + directLength - 1);
            if (directAttempts >= maxAttempts || Thread.currentThread().isInterrupted()) {
                throw new IOException(
                        "Reading " + location + " failed: the store sent " + directRead + " of the " + directLength
                                + " bytes from " + directStart + " (" + rest + " missing, tried " + directAttempts
                                + " times)" + (failed == null ? "" : ": " + failed),
                        failed);
            }
            directAttempts++;
            log.debug("Reading {} of {} broke off; trying again", rest, location);
            direct = get(directStart + directRead, directLength - directRead);
        }
    }

    private static void abort(InputStream body) {
        if (body instanceof ResponseInputStream<?> response) {
            response.abort(); // do not read the rest of the answer just to reuse the connection
        }
        try {
            body.close();
        } catch (IOException e) {
            // aborted anyway
        }
    }

    /** The next range in order (there is one ahead), waited for. */
    private Range next() throws IOException {
        Range range = Objects.requireNonNull(ahead.poll());
        try {
            range.download().get();
            return range;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ahead.addFirst(range); // may still be downloading: close() stops it before its buffer goes back
            throw new InterruptedIOException("Interrupted while reading " + location);
        } catch (ExecutionException | CancellationException e) {
            pool.release(range.buffer()); // its download has ended
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IOException("Reading " + location + " failed: " + cause, cause);
        }
    }

    /** Schedules more ranges while fewer than {@code depth} are ahead and the pool has a free buffer now. */
    private void topUp() {
        while (ahead.size() < depth && nextStart < size) {
            byte[][] buffer = pool.tryAcquire(1);
            if (buffer == null) {
                return;
            }
            schedule(buffer);
        }
    }

    private void schedule(byte[][] buffer) {
        long start = nextStart;
        int length = (int) Math.min(bufferSize, size - start);
        nextStart = start + length;
        try {
            ahead.add(new Range(start, length, buffer, fetcher.submit(() -> {
                download(start, length, buffer[0]);
                return null;
            })));
        } catch (RuntimeException e) {
            pool.release(buffer);
            throw e;
        }
    }

    /** Fills {@code into} with bytes {@code start} to {@code start + length - 1}, retrying a body that breaks off. */
    private void download(long start, int length, byte[] into) throws IOException {
        String range = "bytes=" + start + "-" + (start + length - 1);
        for (int attempt = 1; ; attempt++) {
            int filled = 0;
            try (ResponseInputStream<GetObjectResponse> body = s3.getObject(
                    b -> b.bucket(bucket).key(objectKey).range(range).ifMatch(eTag))) {
                int n;
                while (filled < length && (n = body.read(into, filled, length - filled)) >= 0) {
                    filled += n;
                }
                if (filled == length) {
                    return;
                }
                if (attempt >= maxAttempts) {
                    throw new IOException("Reading " + location + " failed: the store sent " + filled + " of the "
                            + length + " bytes of " + range + " (tried " + attempt + " times)");
                }
            } catch (SdkException e) {
                // the SDK has retried the request itself; what fails here is final (404, 412 changed object, 403...)
                throw S3Failures.describe("Reading " + range + " of", location, e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || attempt >= maxAttempts) {
                    throw new IOException(
                            "Reading " + location + " failed in " + range + " (tried " + attempt + " times): " + e, e);
                }
            }
            log.debug("Reading {} of {} broke off after {} bytes; trying again", range, location, filled);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        InputStream body = direct;
        direct = null;
        try {
            if (body != null) {
                abort(body);
            }
        } finally {
            stop();
        }
    }

    /** Cancels the downloads ahead, waits for them to stop, and gives every buffer back (once). */
    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ahead.forEach(range -> range.download().cancel(true));
        fetcher.shutdownNow();
        boolean interrupted = false;
        try {
            while (!fetcher.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("Downloads of {} did not stop within a minute", location);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // the buffers are given back only when no download can still write into them
        for (Range range : ahead) {
            pool.release(range.buffer());
        }
        ahead.clear();
        Range range = current;
        current = null;
        if (range != null) {
            pool.release(range.buffer());
        }
        pool.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
