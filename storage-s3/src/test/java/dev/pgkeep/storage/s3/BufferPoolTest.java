package dev.pgkeep.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void neverMoreBuffersThanTheCapacityAndAWaitingTakerGetsThemOnRelease() throws Exception {
        BufferPool pool = new BufferPool(1024, 3);
        pool.open();
        byte[][] two = pool.acquire(2);
        byte[][] one = pool.acquire(1);
        assertThat(pool.inUse()).isEqualTo(3);
        assertThat(pool.tryAcquire(1)).isNull();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<byte[][]> waiting = other.submit(() -> pool.acquire(2));
            assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            pool.release(one);
            assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS))
                    .as("two are needed, one is free")
                    .isInstanceOf(TimeoutException.class);
            pool.release(two);
            byte[][] got = waiting.get(10, TimeUnit.SECONDS);
            assertThat(got).hasNumberOfRows(2);
            // reused, not allocated anew
            assertThat(got[0] == two[0] || got[0] == two[1] || got[0] == one[0]).isTrue();
            assertThat(pool.allocated()).isEqualTo(3);
            assertThat(pool.peakAllocated()).isEqualTo(3);
            pool.release(got);
        } finally {
            other.shutdownNow();
        }
        assertThat(pool.inUse()).isZero();
        pool.close();
        assertThat(pool.allocated()).as("an idle pool keeps no buffers").isZero();
    }

    @Test
    void aWaitIsInterruptible() throws Exception {
        BufferPool pool = new BufferPool(16, 1);
        byte[][] held = pool.acquire(1);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                pool.acquire(1);
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        waiter.start();
        waiter.interrupt();
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        pool.release(held);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void aPartLargerThanThePoolIsRefused() {
        BufferPool pool = new BufferPool(16, 2);
        assertThatThrownBy(() -> pool.acquire(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.acquire(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
