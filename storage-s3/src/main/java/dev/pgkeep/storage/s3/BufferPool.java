package dev.pgkeep.storage.s3;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The transfer buffers of one adapter, shared by all its uploads and downloads: at most {@code capacity} buffers of
 * {@code bufferSize} bytes exist at once, however many objects are written or read at the same time, so the adapter's
 * buffer memory is bounded by {@code capacity * bufferSize}. Buffers are reused (the heap sees no per-part garbage)
 * and dropped when no transfer is open, so an idle adapter in a long-lived application holds none.
 *
 * <p>A caller takes all the buffers of one part at once ({@link #acquire(int)}, first come first served), never a
 * few now and more later, so writers cannot deadlock holding half-filled parts: whoever holds buffers can finish its
 * part without waiting for more.
 */
final class BufferPool {
    private final int bufferSize;
    private final int capacity;
    private final Semaphore permits;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int openTransfers;
    private int allocated;
    private int peakAllocated;

    BufferPool(int bufferSize, int capacity) {
        if (bufferSize < 1 || capacity < 1) {
            throw new IllegalArgumentException("buffer size and capacity must be positive");
        }
        this.bufferSize = bufferSize;
        this.capacity = capacity;
        this.permits = new Semaphore(capacity, true);
    }

    int bufferSize() {
        return bufferSize;
    }

    int capacity() {
        return capacity;
    }

    /** Waits until {@code count} buffers are free and takes them (contents undefined). */
    byte[][] acquire(int count) throws InterruptedIOException {
        checkCount(count);
        try {
            permits.acquire(count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for an S3 transfer buffer");
        }
        return take(count);
    }

    /** Takes {@code count} buffers if they are free now, else none ({@code null}). */
    byte[] @Nullable [] tryAcquire(int count) {
        checkCount(count);
        return permits.tryAcquire(count) ? take(count) : null;
    }

    void release(byte[][] buffers) {
        synchronized (free) {
            for (byte[] buffer : buffers) {
                if (openTransfers > 0) {
                    free.push(buffer);
                } else {
                    allocated--;
                }
            }
        }
        permits.release(buffers.length);
    }

    /** A transfer (one write or read) starts: buffers stay pooled while any is open. */
    void open() {
        synchronized (free) {
            openTransfers++;
        }
    }

    /** A transfer has ended (after it released its buffers); the last one lets the pooled buffers go. */
    void close() {
        synchronized (free) {
            if (--openTransfers == 0) {
                allocated -= free.size();
                free.clear();
            }
        }
    }

    /** Buffers taken and not released. */
    int inUse() {
        return capacity - permits.availablePermits();
    }

    /** Buffers that exist (in use or pooled): never more than the capacity. */
    int allocated() {
        synchronized (free) {
            return allocated;
        }
    }

    /** The most buffers that existed at once since this pool was made. */
    int peakAllocated() {
        synchronized (free) {
            return peakAllocated;
        }
    }

    private byte[][] take(int count) {
        byte[][] buffers = new byte[count][];
        synchronized (free) {
            for (int i = 0; i < count; i++) {
                byte[] pooled = free.poll();
                if (pooled == null) {
                    allocated++;
                    peakAllocated = Math.max(peakAllocated, allocated);
                }
                buffers[i] = pooled;
            }
        }
        for (int i = 0; i < count; i++) {
            if (buffers[i] == null) {
                buffers[i] = new byte[bufferSize]; // outside the lock: allocating 8 MiB may wait for a collection
            }
        }
        return buffers;
    }

    /**
     * The threads that move one transfer's buffers ({@code threads} at most, named {@code name-1, name-2...}): daemon
     * threads that end after 30 idle seconds, so a transfer its caller never closes keeps none forever.
     */
    static ExecutorService transferThreads(int threads, String name) {
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, name + "-" + made.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private void checkCount(int count) {
        if (count < 1 || count > capacity) {
            throw new IllegalArgumentException(
                    "between 1 and " + capacity + " buffers can be taken at once, not " + count);
        }
    }
}
