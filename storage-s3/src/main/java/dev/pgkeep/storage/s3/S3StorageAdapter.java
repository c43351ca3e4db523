package dev.pgkeep.storage.s3;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Keeps backups in an S3 bucket (AWS or any S3-compatible store) under a prefix. Writes stream: an object smaller than
 * one part goes up with a single PUT on commit, a larger one as a multipart upload whose parts upload while the backup
 * still runs. All the writes (and reads) of one adapter share its {@code memory} of transfer buffers (32 MiB by
 * default), so concurrent writes of a parallel backup stay within the same bound as one; nothing is visible before
 * commit, and a write closed without commit aborts its multipart upload. See {@link S3StorageOptions} for the
 * options.
 *
 * <pre>{@code
 * try (S3StorageAdapter storage = S3StorageAdapter.fromUri("s3://my-bucket/pgkeep?region=eu-west-1")) {
 *     BackupService service = BackupService.builder().storage(storage)...build();
 * }
 * }</pre>
 *
 * <p>Objects of a backup ({@code <database>/<backup-id>/<file>}) carry user metadata {@code pgkeep-database} and
 * {@code pgkeep-backup-id}, so they can be found and audited with S3's own tools.
 */
public final class S3StorageAdapter implements StorageAdapter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3StorageAdapter.class);

    private final S3Client s3;
    private final S3StorageOptions options;
    private final boolean ownsClient;
    private final BufferPool buffers;

    /** Uses {@code client} as given (its region, endpoint, credentials, retries); the caller closes it. */
    public S3StorageAdapter(S3Client client, S3StorageOptions options) {
        this(client, options, false);
    }

    private S3StorageAdapter(S3Client client, S3StorageOptions options, boolean ownsClient) {
        this.s3 = client;
        this.options = options;
        this.ownsClient = ownsClient;
        this.buffers = new BufferPool(Math.toIntExact(options.partSize()), options.buffers());
    }

    /** Builds a client from {@code options} ({@link S3StorageOptions#buildClient()}); {@link #close()} closes it. */
    public static S3StorageAdapter fromOptions(S3StorageOptions options) {
        return new S3StorageAdapter(options.buildClient(), options, true);
    }

    /**
     * Parses {@code s3://bucket/prefix?endpoint=...&region=...&path-style=true} ({@link S3StorageOptions#fromUri}) and
     * builds a client with the SDK's default credentials chain; {@link #close()} closes it.
     */
    public static S3StorageAdapter fromUri(String uri) {
        return fromOptions(S3StorageOptions.fromUri(uri));
    }

    public S3StorageOptions options() {
        return options;
    }

    /**
     * Checks that the bucket exists and these credentials may list it, with a message saying what to fix; call it
     * before a long backup so that a typo fails at once.
     */
    public S3StorageAdapter ensureReachable() {
        try {
            s3.listObjectsV2(
                    b -> b.bucket(options.bucket()).prefix(options.prefix()).maxKeys(1));
            return this;
        } catch (SdkException e) {
            IOException described = S3Failures.describe("Listing", describe(), e);
            throw new PgkeepException("Repository " + describe() + " is not usable: " + described.getMessage(), e);
        }
    }

    @Override
    public PendingObject create(String key) throws IOException {
        return new S3ObjectWrite(s3, options, buffers, objectKey(key), metadataFor(key));
    }

    /**
     * Reads an object as one stream: one GET, or with {@code read-ahead} set, an object larger than one part ({@code
     * part-size}) downloads as ranged GETs, up to {@code read-ahead} ranges in parallel ahead of the reader (but never
     * more buffers than a write's part leaves of the adapter's {@code memory}), in buffers of that memory; the reader
     * gets the bytes in order ({@link S3ParallelRead}). A single GET streams at what one connection and one
     * thread of the store give; several overlap the store's latency and use more of its (and the network's) capacity.
     */
    @Override
    public InputStream read(String key) throws IOException {
        String objectKey = objectKey(key);
        int bufferSize = buffers.bufferSize();
        // at most the buffers a write's part can do without, so a thread that reads and writes here cannot deadlock
        int depth = Math.min(options.readAhead(), buffers.capacity() - options.buffersOfPart(Integer.MAX_VALUE));
        ResponseInputStream<GetObjectResponse> head;
        try {
            head = s3.getObject(b -> {
                b.bucket(options.bucket()).key(objectKey);
                if (depth > 0) {
                    b.range("bytes=0-" + (bufferSize - 1));
                }
            });
        } catch (NoSuchKeyException e) {
            throw noSuchFile(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return InputStream.nullInputStream(); // an empty object has no byte 0
            }
            throw S3Failures.describe("Reading", location(key), e);
        } catch (SdkException e) {
            throw S3Failures.describe("Reading", location(key), e);
        }
        long size = totalSize(head.response().contentRange());
        if (size <= bufferSize) { // -1: no range asked for (no read-ahead) or the store sent the whole object
            return head; // the whole object (or a store that ignores ranges and sent all of it)
        }
        return new S3ParallelRead(
                s3, options.bucket(), objectKey, location(key), head, size, buffers, depth, options.maxAttempts());
    }

    /** The size after the slash of {@code bytes 0-8388607/283115520}; -1 without a (parsable) content range. */
    private static long totalSize(@Nullable String contentRange) {
        if (contentRange == null) {
            return -1;
        }
        int slash = contentRange.lastIndexOf('/');
        try {
            return slash < 0
                    ? -1
                    : Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1; // "*": unknown size; stream what came
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative");
        }
        String objectKey = objectKey(key);
        if (length == 0) {
            if (stat(key).isEmpty()) {
                throw noSuchFile(key);
            }
            return InputStream.nullInputStream();
        }
        long last = length > Long.MAX_VALUE - offset ? Long.MAX_VALUE - 1 : offset + length - 1;
        try {
            return s3.getObject(b -> b.bucket(options.bucket()).key(objectKey).range("bytes=" + offset + "-" + last));
        } catch (NoSuchKeyException e) {
            throw noSuchFile(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return InputStream.nullInputStream(); // the range starts at or past the end
            }
            throw S3Failures.describe("Reading", location(key), e);
        } catch (SdkException e) {
            throw S3Failures.describe("Reading", location(key), e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            HeadObjectResponse head =
                    s3.headObject(b -> b.bucket(options.bucket()).key(objectKey));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty(); // HEAD answers have no body, so some stores give no NoSuchKey code
            }
            throw S3Failures.describe("Reading the size of", location(key), e);
        } catch (SdkException e) {
            throw S3Failures.describe("Reading the size of", location(key), e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String fullPrefix = options.prefix() + checkPrefix(prefix);
        List<ObjectInfo> result = new ArrayList<>();
        try {
            // the paginator follows continuation tokens past S3's 1,000 keys per answer
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(options.bucket()).prefix(fullPrefix))
                    .contents()) {
                String key = object.key().substring(options.prefix().length());
                if (key.isEmpty() || key.endsWith("/")) {
                    continue; // folder markers made by consoles and other tools are not objects
                }
                result.add(new ObjectInfo(key, object.size(), object.lastModified()));
            }
        } catch (SdkException e) {
            throw S3Failures.describe("Listing", "s3://" + options.bucket() + "/" + fullPrefix, e);
        }
        result.sort(Comparator.comparing(ObjectInfo::key));
        return result;
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            s3.deleteObject(b -> b.bucket(options.bucket()).key(objectKey));
        } catch (NoSuchKeyException e) {
            // already gone: deleting a missing object is not an error
        } catch (SdkException e) {
            throw S3Failures.describe("Deleting", location(key), e);
        }
    }

    /**
     * Aborts the multipart uploads under this repository's prefix started more than {@code olderThan} ago: S3 cannot
     * tell whether the writer of an open upload is alive, so only age can. {@link Duration#ZERO} aborts all of them,
     * for when no write can be running.
     */
    @Override
    public int removeIncompleteWrites(Duration olderThan) throws IOException {
        Instant cutoff = Instant.now().minus(olderThan);
        // zero means every unfinished upload (the caller knows no write is running); some compatible stores report
        // no or a wrong start time, so it does not depend on the clock
        return abortUploads(
                "",
                upload -> olderThan.isZero()
                        || olderThan.isNegative()
                        || (upload.initiated() != null && upload.initiated().isBefore(cutoff)));
    }

    /**
     * Aborts every multipart upload under {@code keyPrefix} (below this repository's prefix), however young: the
     * caller holds the lock that every writer there holds (the backup lock of the keys' database), so they are dead.
     */
    @Override
    public int removeIncompleteWrites(String keyPrefix) throws IOException {
        if (keyPrefix.isEmpty()) {
            throw new IllegalArgumentException("a key prefix is required; removeIncompleteWrites(Duration) is for all");
        }
        return abortUploads(checkPrefix(keyPrefix), upload -> true);
    }

    private int abortUploads(String keyPrefix, Predicate<MultipartUpload> dead) throws IOException {
        String fullPrefix = options.prefix() + keyPrefix;
        List<MultipartUpload> stale = new ArrayList<>();
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(
                            b -> b.bucket(options.bucket()).prefix(fullPrefix))
                    .uploads()) {
                if (dead.test(upload)) {
                    stale.add(upload);
                }
            }
        } catch (SdkException e) {
            throw S3Failures.describe("Listing the unfinished uploads of", describe(), e);
        }
        int removed = 0;
        for (MultipartUpload upload : stale) {
            try {
                s3.abortMultipartUpload(
                        b -> b.bucket(options.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                log.info(
                        "Aborted unfinished multipart upload of s3://{}/{} started {}",
                        options.bucket(),
                        upload.key(),
                        upload.initiated());
                removed++;
            } catch (NoSuchUploadException e) {
                // finished or aborted concurrently
            } catch (SdkException e) {
                throw S3Failures.describe(
                        "Aborting the unfinished upload of", "s3://" + options.bucket() + "/" + upload.key(), e);
            }
        }
        return removed;
    }

    /** The transfer buffers all writes and reads of this adapter share. */
    BufferPool bufferPool() {
        return buffers;
    }

    @Override
    public String describe() {
        return options.describe();
    }

    /** Closes the client when this adapter built it ({@link #fromOptions}, {@link #fromUri}). */
    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3StorageAdapter[" + describe() + "]";
    }

    private String location(String key) {
        return "s3://" + options.bucket() + "/" + options.prefix() + key;
    }

    private NoSuchFileException noSuchFile(String key) {
        return new NoSuchFileException(location(key), null, "no such object in " + describe());
    }

    private String objectKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new BadInputException("Invalid storage key '" + key + "'.");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new BadInputException("Invalid storage key '" + key + "'.");
            }
        }
        return options.prefix() + key;
    }

    private static String checkPrefix(String prefix) {
        if (prefix.startsWith("/") || prefix.contains("\0") || prefix.contains("\\")) {
            throw new BadInputException("Invalid storage prefix '" + prefix + "'.");
        }
        for (String segment : prefix.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadInputException("Invalid storage prefix '" + prefix + "'.");
            }
        }
        return prefix;
    }

    /** {@code <database>/<backup-id>/<file>} gets the database and backup id as metadata (percent-encoded ASCII). */
    private static Map<String, String> metadataFor(String key) {
        String[] segments = key.split("/");
        if (segments.length != 3) {
            return Map.of();
        }
        return Map.of(
                "pgkeep-database", URLEncoder.encode(segments[0], StandardCharsets.UTF_8),
                "pgkeep-backup-id", URLEncoder.encode(segments[1], StandardCharsets.UTF_8));
    }
}
