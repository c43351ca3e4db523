package dev.pgkeep.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;
import org.jclouds.io.payloads.BaseMutableContentMetadata;

/**
 * Makes s3proxy answer errors: from part {@code fromPart} on, the next {@code failures} part uploads get HTTP {@code
 * status}; completion can be made to fail too. s3proxy turns the thrown {@link HttpResponseException} into that status.
 */
final class FaultInjectingBlobStore extends ForwardingBlobStore {
    private volatile int fromPart = Integer.MAX_VALUE;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int status = 500;
    private volatile boolean failCompletion;
    private volatile String failPutsEndingWith = "\0never";
    private volatile String failGetsEndingWith = "\0never";
    private volatile long failRangesFrom = Long.MAX_VALUE;
    private volatile long truncateRangesFrom = Long.MAX_VALUE;
    private final AtomicInteger truncationsLeft = new AtomicInteger();
    final AtomicInteger truncatedGets = new AtomicInteger();
    final AtomicInteger rangedGets = new AtomicInteger();
    final AtomicInteger partAttempts = new AtomicInteger();
    final AtomicInteger failedPartAttempts = new AtomicInteger();

    FaultInjectingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void failParts(int fromPart, int failures, int status) {
        this.fromPart = fromPart;
        this.failuresLeft.set(failures);
        this.status = status;
    }

    void failCompletion(boolean fail) {
        this.failCompletion = fail;
    }

    /** Single-request uploads of objects whose name ends with {@code suffix} fail with HTTP 500. */
    void failPutsEndingWith(String suffix) {
        this.failPutsEndingWith = suffix;
    }

    /** Downloads of objects whose name ends with {@code suffix} fail with HTTP 500 (every attempt). */
    void failGetsEndingWith(String suffix) {
        this.failGetsEndingWith = suffix;
    }

    /** Ranged downloads that start at or after byte {@code from} fail with HTTP 500 (every attempt). */
    void failRangesFrom(long from) {
        this.failRangesFrom = from;
    }

    /**
     * The next {@code times} ranged downloads starting at or after byte {@code from} send half their bytes, then the
     * connection closes: the answer's length says more were coming.
     */
    void truncateRangesFrom(long from, int times) {
        this.truncateRangesFrom = from;
        this.truncationsLeft.set(times);
    }

    @Override
    public Blob getBlob(String container, String name, org.jclouds.blobstore.options.GetOptions options) {
        if (name.endsWith(failGetsEndingWith)) {
            throw injected();
        }
        long start = rangeStart(options);
        if (start >= 0) {
            rangedGets.incrementAndGet();
        }
        if (start >= failRangesFrom) {
            throw injected();
        }
        Blob blob = super.getBlob(container, name, options);
        if (blob != null && start >= truncateRangesFrom && truncationsLeft.getAndDecrement() > 0) {
            truncatedGets.incrementAndGet();
            Payload original = blob.getPayload();
            long length = original.getContentMetadata().getContentLength();
            try {
                InputStream in = original.openStream();
                Payload half = Payloads.newInputStreamPayload(new java.io.FilterInputStream(in) {
                    private long left = length / 2;

                    @Override
                    public int read() throws IOException {
                        return left-- > 0 ? super.read() : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = super.read(b, off, (int) Math.min(len, left));
                        left -= Math.max(n, 0);
                        return n;
                    }
                });
                half.setContentMetadata(BaseMutableContentMetadata.fromContentMetadata(original.getContentMetadata()));
                blob.setPayload(half);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return blob;
    }

    private static long rangeStart(org.jclouds.blobstore.options.GetOptions options) {
        if (options == null || options.getRanges().isEmpty()) {
            return -1;
        }
        String range = options.getRanges().get(0);
        return range.startsWith("-") ? -1 : Long.parseLong(range.substring(0, range.indexOf('-')));
    }

    @Override
    public Blob getBlob(String container, String name) {
        if (name.endsWith(failGetsEndingWith)) {
            throw injected();
        }
        return super.getBlob(container, name);
    }

    void reset() {
        failGetsEndingWith("\0never");
        failRangesFrom(Long.MAX_VALUE);
        truncateRangesFrom(Long.MAX_VALUE, 0);
        truncatedGets.set(0);
        rangedGets.set(0);
        failPutsEndingWith("\0never");
        failParts(Integer.MAX_VALUE, 0, 500);
        failCompletion(false);
        partAttempts.set(0);
        failedPartAttempts.set(0);
    }

    @Override
    public MultipartPart uploadMultipartPart(MultipartUpload mpu, int partNumber, Payload payload) {
        partAttempts.incrementAndGet();
        if (partNumber >= fromPart && failuresLeft.getAndDecrement() > 0) {
            failedPartAttempts.incrementAndGet();
            drain(payload); // read the body first, so the client sees the status and not a reset connection
            throw injected();
        }
        return super.uploadMultipartPart(mpu, partNumber, payload);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        if (blob.getMetadata().getName().endsWith(failPutsEndingWith)) {
            drain(blob.getPayload());
            throw injected();
        }
        return super.putBlob(container, blob, options);
    }

    @Override
    public String putBlob(String container, Blob blob) {
        return putBlob(container, blob, PutOptions.NONE);
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        if (failCompletion) {
            throw injected();
        }
        return super.completeMultipartUpload(mpu, parts);
    }

    private HttpResponseException injected() {
        return new HttpResponseException(
                "injected fault",
                null,
                HttpResponse.builder().statusCode(status).build());
    }

    private static void drain(Payload payload) {
        try (InputStream in = payload.openStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
