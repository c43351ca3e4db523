package dev.pgkeep.storage.s3;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One object being written: bytes collect in a part-sized buffer; an object that fits in one part goes up with a single
 * PUT on commit, a larger one as a multipart upload whose parts upload on a small pool while the writer goes on. At most
 * {@code maxPartsInFlight} parts are uploading and one is filling, so memory is bounded by {@code partSize *
 * (maxPartsInFlight + 1)} whatever the object's size. Every part carries Content-MD5, so the store rejects a part
 * corrupted in transit. Closing without commit aborts the multipart upload after its running parts have stopped, so
 * no part stays stored (and billed).
 */
final class S3ObjectWrite implements PendingObject {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectWrite.class);
    private static final int MAX_PARTS = 10_000;
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3Client s3;
    private final S3StorageOptions options;
    private final String objectKey;
    private final String location;
    private final Map<String, String> metadata;
    private final int partSize;
    private final Semaphore slots;
    private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final PartOutput output = new PartOutput();
    private final AtomicInteger threads = new AtomicInteger();

    private byte[] buffer;
    private int filled;
    private int nextPartNumber = 1;
    private @Nullable String uploadId;
    private @Nullable ExecutorService uploader;
    private volatile @Nullable IOException failure;
    private boolean committed;
    private boolean closed;

    S3ObjectWrite(S3Client s3, S3StorageOptions options, String objectKey, Map<String, String> metadata) {
        this.s3 = s3;
        this.options = options;
        this.objectKey = objectKey;
        this.location = "s3://" + options.bucket() + "/" + objectKey;
        this.metadata = metadata;
        this.partSize = Math.toIntExact(options.partSize());
        this.slots = new Semaphore(options.maxPartsInFlight());
        this.buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void commit() throws IOException {
        if (closed || committed) {
            throw new IOException("Upload of " + location + " is already " + (committed ? "committed" : "closed"));
        }
        throwIfFailed();
        if (uploadId == null) {
            putSingleObject();
        } else {
            if (filled > 0) {
                sendPart(); // the last part may be smaller than the 5 MiB minimum
            }
            completeMultipartUpload();
        }
        committed = true;
        release();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        // a cancelled backup closes on an interrupted thread; the SDK would refuse the abort call then
        boolean interrupted = Thread.interrupted();
        try {
            stopUploader();
            release();
            if (uploadId != null) {
                abortMultipartUpload();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void abortMultipartUpload() throws IOException {
        try {
            s3.abortMultipartUpload(
                    b -> b.bucket(options.bucket()).key(objectKey).uploadId(uploadId));
            log.debug("Aborted multipart upload {} of {}", uploadId, location);
        } catch (NoSuchUploadException e) {
            // already aborted, e.g. by removeIncompleteWrites from another instance
        } catch (SdkException e) {
            throw new IOException(
                    "Could not abort the multipart upload of " + location + " (" + e.getMessage() + "); its parts "
                            + "stay stored until the repository's cleanup (removeIncompleteWrites) or a bucket "
                            + "lifecycle rule removes them.",
                    e);
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed || committed) {
            throw new IOException("Upload of " + location + " is " + (committed ? "committed" : "closed"));
        }
        int off = offset;
        int remaining = length;
        while (remaining > 0) {
            if (filled == partSize) {
                sendPart(); // only when more bytes follow, so an object of exactly one part stays a single PUT
            }
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, partSize));
            }
            int n = Math.min(remaining, buffer.length - filled);
            System.arraycopy(bytes, off, buffer, filled, n);
            filled += n;
            off += n;
            remaining -= n;
        }
    }

    private void sendPart() throws IOException {
        throwIfFailed();
        if (nextPartNumber > MAX_PARTS) {
            throw new IOException("Object " + location + " needs more than 10,000 parts of " + partSize
                    + " bytes; raise the part size (part-size=... in the repository URI).");
        }
        if (uploadId == null) {
            startMultipartUpload();
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting to upload a part of " + location);
        }
        byte[] data = buffer;
        int length = filled;
        int partNumber = nextPartNumber++;
        synchronized (freeBuffers) {
            byte[] reused = freeBuffers.poll();
            buffer = reused != null ? reused : new byte[partSize];
        }
        filled = 0;
        try {
            parts.add(uploader().submit(() -> {
                try {
                    return uploadPart(partNumber, data, length);
                } finally {
                    synchronized (freeBuffers) {
                        freeBuffers.push(data);
                    }
                    slots.release();
                }
            }));
        } catch (RuntimeException e) {
            slots.release();
            throw new IOException("Could not schedule a part upload of " + location, e);
        }
    }

    private CompletedPart uploadPart(int partNumber, byte[] data, int length) {
        try {
            UploadPartResponse response = s3.uploadPart(
                    b -> b.bucket(options.bucket())
                            .key(objectKey)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) length)
                            .contentMD5(md5(data, length)),
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
            return CompletedPart.builder()
                    .partNumber(partNumber)
                    .eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32())
                    .checksumCRC32C(response.checksumCRC32C())
                    .checksumCRC64NVME(response.checksumCRC64NVME())
                    .checksumSHA1(response.checksumSHA1())
                    .checksumSHA256(response.checksumSHA256())
                    .build();
        } catch (SdkException e) {
            // the writer sees it on its next part and stops pg_dump's stream early
            failure = S3Failures.describe("Uploading part " + partNumber + " of", location, e);
            throw e;
        } catch (RuntimeException e) {
            failure = new IOException("Uploading part " + partNumber + " of " + location + " failed: " + e, e);
            throw e;
        }
    }

    private void startMultipartUpload() throws IOException {
        try {
            uploadId = s3.createMultipartUpload(b -> {
                        b.bucket(options.bucket())
                                .key(objectKey)
                                .contentType("application/octet-stream")
                                .metadata(metadata)
                                .serverSideEncryption(options.serverSideEncryption())
                                .ssekmsKeyId(options.kmsKeyId())
                                .storageClass(options.storageClass());
                    })
                    .uploadId();
            log.debug("Started multipart upload {} of {}", uploadId, location);
        } catch (SdkException e) {
            throw S3Failures.describe("Starting the upload of", location, e);
        }
    }

    private void putSingleObject() throws IOException {
        byte[] data = buffer;
        int length = filled;
        try {
            s3.putObject(
                    b -> b.bucket(options.bucket())
                            .key(objectKey)
                            .contentType("application/octet-stream")
                            .contentLength((long) length)
                            .contentMD5(md5(data, length))
                            .metadata(metadata)
                            .serverSideEncryption(options.serverSideEncryption())
                            .ssekmsKeyId(options.kmsKeyId())
                            .storageClass(options.storageClass()),
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
        } catch (SdkException e) {
            throw S3Failures.describe("Uploading", location, e);
        }
    }

    private void completeMultipartUpload() throws IOException {
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (Future<CompletedPart> part : parts) {
            try {
                completed.add(part.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the parts of " + location);
            } catch (ExecutionException e) {
                throwIfFailed();
                throw new IOException("Uploading a part of " + location + " failed: " + e.getCause(), e.getCause());
            }
        }
        completed.sort(Comparator.comparing(CompletedPart::partNumber));
        try {
            s3.completeMultipartUpload(b -> b.bucket(options.bucket())
                    .key(objectKey)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
            log.debug("Completed multipart upload {} of {} in {} parts", uploadId, location, completed.size());
        } catch (SdkException e) {
            throw S3Failures.describe("Completing the upload of", location, e);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
    }

    private ExecutorService uploader() {
        if (uploader == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    options.maxPartsInFlight(),
                    options.maxPartsInFlight(),
                    30,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    task -> {
                        Thread thread = new Thread(task, "pgkeep-s3-upload-" + threads.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true); // a write its caller never closes does not keep threads forever
            uploader = pool;
        }
        return uploader;
    }

    /** Cancels running part uploads and waits until they have stopped, so an abort really removes every part. */
    private void stopUploader() {
        if (uploader == null) {
            return;
        }
        parts.forEach(part -> part.cancel(true));
        uploader.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (!uploader.awaitTermination(2, TimeUnit.MINUTES)) {
                    log.warn("Part uploads of {} did not stop within 2 minutes; aborting anyway", location);
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true; // finish stopping first: an abort while parts still upload can leave parts
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        if (uploader != null) {
            uploader.shutdown();
        }
        buffer = new byte[0];
        synchronized (freeBuffers) {
            freeBuffers.clear();
        }
    }

    private static String md5(byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(data, 0, length);
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5, needed for S3's Content-MD5", e);
        }
    }

    /** The stream the backup pipeline writes into; closing it does nothing (commit or close the write instead). */
    private final class PartOutput extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            S3ObjectWrite.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            S3ObjectWrite.this.write(b, off, len);
        }
    }
}
