package dev.pgkeep.storage.s3;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * One object being written: its first bytes collect in a small private buffer (up to {@value #SMALL_LIMIT} bytes, so
 * small objects never wait for the adapter's memory), then in buffers taken from the adapter's {@link BufferPool}, one
 * part's worth at a time. An object that fits in one part goes up with a single PUT on commit, a larger one as a
 * multipart upload whose parts upload on a small pool while the writer goes on; a part's buffers return to the pool
 * when it has uploaded. At most {@code maxPartsInFlight} parts of one object upload at once, and all the objects of
 * one adapter together never hold more than its {@code memory}, whatever their number and size. Parts double after
 * every 1,000 ({@link S3StorageOptions#buffersOfPart}), so 10,000 parts hold {@link S3StorageOptions#maxObjectSize()}.
 * Every part carries Content-MD5, so the store rejects a part corrupted in transit. Closing without commit aborts the
 * multipart upload after its running parts have stopped, so no part stays stored (and billed).
 */
final class S3ObjectWrite implements PendingObject {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectWrite.class);
    private static final int MAX_PARTS = 10_000;
    private static final int FIRST_BUFFER = 16 * 1024;
    static final int SMALL_LIMIT = 256 * 1024;

    private final S3Client s3;
    private final S3StorageOptions options;
    private final String objectKey;
    private final String location;
    private final Map<String, String> metadata;
    private final BufferPool pool;
    private final int bufferSize;
    private final Semaphore slots;
    private final Set<byte[][]> uploading = ConcurrentHashMap.newKeySet();
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final PartOutput output = new PartOutput();

    /** The first bytes, before the object needs the pool; {@code null} from then on. */
    private byte @Nullable [] small = new byte[FIRST_BUFFER];
    /** The pooled buffers of the part being filled, {@code null} between parts. */
    private byte[] @Nullable [] part;
    /** Bytes in {@link #small} or {@link #part}. */
    private int filled;

    private int nextPartNumber = 1;
    private @Nullable String uploadId;
    private @Nullable ExecutorService uploader;
    private volatile @Nullable IOException failure;
    private boolean committed;
    private boolean closed;
    private boolean released;

    S3ObjectWrite(
            S3Client s3, S3StorageOptions options, BufferPool pool, String objectKey, Map<String, String> metadata) {
        this.s3 = s3;
        this.options = options;
        this.pool = pool;
        this.bufferSize = pool.bufferSize();
        this.objectKey = objectKey;
        this.location = "s3://" + options.bucket() + "/" + objectKey;
        this.metadata = metadata;
        this.slots = new Semaphore(options.maxPartsInFlight());
        pool.open();
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
        byte[] first = small;
        if (first != null && filled + remaining <= SMALL_LIMIT) {
            if (filled + remaining > first.length) {
                first = Arrays.copyOf(first, Math.min(SMALL_LIMIT, Math.max(first.length * 2, filled + remaining)));
                small = first;
            }
            System.arraycopy(bytes, off, first, filled, remaining);
            filled += remaining;
            return;
        }
        while (remaining > 0) {
            byte[][] buffers = part;
            if (buffers == null) {
                buffers = takePartBuffers();
            } else if (filled == buffers.length * bufferSize) {
                sendPart(); // only when more bytes follow, so an object of exactly one part stays a single PUT
                continue;
            }
            int at = filled % bufferSize;
            int n = Math.min(remaining, bufferSize - at);
            System.arraycopy(bytes, off, buffers[filled / bufferSize], at, n);
            filled += n;
            off += n;
            remaining -= n;
        }
    }

    /** Waits for the buffers of the next part; the first part takes over the bytes collected in {@link #small}. */
    private byte[][] takePartBuffers() throws IOException {
        throwIfFailed();
        byte[][] buffers = pool.acquire(options.buffersOfPart(nextPartNumber));
        part = buffers;
        byte[] first = small;
        if (first != null) {
            System.arraycopy(first, 0, buffers[0], 0, filled); // SMALL_LIMIT < 5 MiB: fits in the first buffer
            small = null;
        }
        return buffers;
    }

    private void sendPart() throws IOException {
        throwIfFailed();
        if (nextPartNumber > MAX_PARTS) {
            throw new IOException("Object " + location + " is larger than the " + options.maxObjectSize()
                    + " bytes that S3's 10,000 parts hold with part-size " + bufferSize + " and memory "
                    + options.memory() + "; raise memory=... or part-size=... in the repository URI.");
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
        byte[][] data = Objects.requireNonNull(part);
        int length = filled;
        int partNumber = nextPartNumber++;
        part = null;
        filled = 0;
        uploading.add(data); // its buffers go back to the pool when the upload ends, or in close() if it never ran
        try {
            parts.add(uploader().submit(() -> {
                try {
                    return uploadPart(partNumber, data, length);
                } finally {
                    if (uploading.remove(data)) {
                        pool.release(data);
                    }
                    slots.release();
                }
            }));
        } catch (RuntimeException e) {
            if (uploading.remove(data)) {
                pool.release(data);
            }
            slots.release();
            throw new IOException("Could not schedule a part upload of " + location, e);
        }
    }

    private CompletedPart uploadPart(int partNumber, byte[][] data, int length) {
        try {
            UploadPartResponse response = s3.uploadPart(
                    b -> b.bucket(options.bucket())
                            .key(objectKey)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) length)
                            .contentMD5(md5(data, length)),
                    body(data, length));
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
        byte[] first = small;
        byte[][] data = first != null ? new byte[][] {first} : Objects.requireNonNull(part);
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
                    body(data, length));
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
            uploader = BufferPool.transferThreads(options.maxPartsInFlight(), "pgkeep-s3-upload");
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

    /** Gives every buffer back to the pool: the filling part's, and those of parts that never started uploading. */
    private void release() {
        if (uploader != null) {
            uploader.shutdown();
        }
        small = null;
        byte[][] filling = part;
        part = null;
        if (filling != null) {
            pool.release(filling);
        }
        for (byte[][] data : List.copyOf(uploading)) {
            if (uploading.remove(data)) {
                pool.release(data); // queued, then cancelled by close(): the task never ran its finally
            }
        }
        if (!released) {
            released = true;
            pool.close();
        }
    }

    /** The first {@code length} bytes of {@code buffers}, re-readable (the SDK reads a body twice to sign it). */
    private RequestBody body(byte[][] buffers, int length) {
        return RequestBody.fromContentProvider(
                () -> new SequenceInputStream(new Enumeration<InputStream>() {
                    private int next;

                    @Override
                    public boolean hasMoreElements() {
                        return (long) next * bufferSize < length;
                    }

                    @Override
                    public InputStream nextElement() {
                        int from = next++ * bufferSize;
                        return new ByteArrayInputStream(
                                buffers[from / bufferSize], 0, Math.min(bufferSize, length - from));
                    }
                }),
                length,
                "application/octet-stream");
    }

    private String md5(byte[][] buffers, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            for (int from = 0; from < length; from += bufferSize) {
                digest.update(buffers[from / bufferSize], 0, Math.min(bufferSize, length - from));
            }
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
