package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the uploads that occupy the temp folder at once ({@code pgkeep.admin.max-concurrent-uploads}): a permit is
 * taken before the body is read and held until the upload's restore job ends (or the request fails before a job
 * takes the file over); one more upload is refused with 429.
 */
public final class UploadPermits {
    static final String ATTRIBUTE = UploadPermits.class.getName() + ".PERMIT";

    private final int max;
    private final Semaphore permits;

    public UploadPermits(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("pgkeep.admin.max-concurrent-uploads must be at least 1, got " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** A permit, or {@code null} when {@code max} uploads are in progress. */
    @Nullable
    Permit tryAcquire() {
        return permits.tryAcquire() ? new Permit() : null;
    }

    /** The permit the guard took for this request, else one taken now (the guard did not see the request). */
    Permit of(HttpServletRequest request) {
        Object held = request.getAttribute(ATTRIBUTE);
        if (held instanceof Permit p) {
            return p;
        }
        Permit p = tryAcquire();
        if (p == null) {
            throw busy();
        }
        request.setAttribute(ATTRIBUTE, p);
        return p;
    }

    int available() {
        return permits.availablePermits();
    }

    UploadsBusyException busy() {
        return new UploadsBusyException("pgkeep already receives or restores " + max + " upload(s)"
                + " (pgkeep.admin.max-concurrent-uploads); retry when it finished (poll its job).");
    }

    /** One upload's share; released once, by whoever ends the upload's life. */
    final class Permit {
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean handedOver;

        /** A job now owns the upload and releases the permit when it ends. */
        void handOver() {
            handedOver = true;
        }

        boolean handedOver() {
            return handedOver;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        }
    }
}
