package dev.pgkeep.storage.s3;

import dev.pgkeep.core.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Where and how {@link S3StorageAdapter} stores objects. Build with {@link #builder(String)} or parse a repository URI
 * with {@link #fromUri(String)}:
 *
 * <pre>
 * s3://bucket/prefix?region=eu-west-1
 * s3://bucket/prefix?endpoint=http://localhost:9000&amp;region=us-east-1&amp;path-style=true
 * s3://bucket/prefix?sse=aws:kms&amp;kms-key-id=arn:aws:kms:...&amp;storage-class=STANDARD_IA&amp;part-size=64MiB
 * </pre>
 *
 * <p>Credentials never go in the URI or in these options' text: they come from {@link #credentialsProvider()} or, by
 * default, the SDK's default chain (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, the
 * {@code profile} named here or {@code AWS_PROFILE}, web identity, container and instance roles).
 *
 * @param bucket the bucket; it must exist
 * @param prefix the folder inside the bucket that holds the repository, without leading slash; empty or ending in
 *     {@code /}
 * @param region the region to sign for; {@code null} takes the SDK's default chain ({@code AWS_REGION}, profile), or
 *     {@code us-east-1} when an endpoint is set
 * @param endpoint the endpoint of an S3-compatible store (MinIO, R2, Ceph); {@code null} for AWS
 * @param pathStyle whether to address the bucket as {@code endpoint/bucket} instead of {@code bucket.endpoint}
 *     (MinIO and most self-hosted stores need it)
 * @param profile the named profile of {@code ~/.aws/credentials} to use; {@code null} for the default chain
 * @param credentialsProvider credentials for a client built from these options; {@code null} for the default chain
 * @param partSize bytes per multipart part and per transfer buffer (5 MiB to 1 GiB, default 8 MiB); objects up to
 *     this size go up in one PUT; an object can have at most 10,000 parts, so after every 1,000 parts the parts of a
 *     large object double (up to half of {@code memory}): see {@link #maxObjectSize()}
 * @param maxPartsInFlight how many parts of one object upload at once (default 4), within {@code memory}
 * @param serverSideEncryption {@code AES256} (SSE-S3), {@code aws:kms} (SSE-KMS) or {@code null} (the bucket's default)
 * @param kmsKeyId the KMS key for {@code aws:kms}; {@code null} for the account's default key
 * @param storageClass e.g. {@code STANDARD_IA}, {@code GLACIER_IR}; {@code null} for the bucket's default
 * @param maxAttempts how often a client built from these options tries a request that failed with throttling, a 5xx
 *     or a network error (with exponential backoff), default 5
 * @param memory the bytes of transfer buffers one adapter holds at most, shared by all the objects it writes or reads
 *     at the same time, in whole parts (rounded down), at least one; default 32 MiB (four 8 MiB parts), or two parts
 *     when parts are larger than 16 MiB
 * @param readAhead how many part-sized ranges of an object larger than one part download in parallel (ranged GETs)
 *     ahead of its reader, in buffers of {@code memory} (at most what a write's part leaves free); default 0: one
 *     plain GET, which on loopback streams as fast (measured); raise it (2-4) where one connection is slower than the
 *     store, e.g. across regions
 */
public record S3StorageOptions(
        String bucket,
        String prefix,
        @Nullable String region,
        @Nullable URI endpoint,
        boolean pathStyle,
        @Nullable String profile,
        @Nullable AwsCredentialsProvider credentialsProvider,
        long partSize,
        int maxPartsInFlight,
        @Nullable String serverSideEncryption,
        @Nullable String kmsKeyId,
        @Nullable String storageClass,
        int maxAttempts,
        long memory,
        int readAhead) {

    /**
     * 8 MiB: on loopback and fast links a backup uploads as fast with 8 MiB parts as with 16 MiB ones, and four of
     * them (one filling, three uploading) fit in {@link #DEFAULT_MEMORY} beside a 64 MiB heap's other needs.
     */
    public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

    /** 32 MiB of transfer buffers per adapter: four default parts. */
    public static final long DEFAULT_MEMORY = 32L * 1024 * 1024;

    public static final int DEFAULT_MAX_PARTS_IN_FLIGHT = 4;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    /** S3's smallest part (except the last one). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** The largest part: S3 allows 5 GiB, but each part in flight is a buffer in the heap. */
    public static final long MAX_PART_SIZE = 1024L * 1024 * 1024;

    /** After this many parts at one size, the parts of an object double (so 10,000 parts hold more). */
    static final int PARTS_PER_SIZE = 1000;

    private static final int MAX_PARTS = 10_000;
    private static final int MAX_BUFFERS = 1024;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-_]{1,254}");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    public S3StorageOptions {
        if (!BUCKET.matcher(bucket).matches()) {
            throw new BadInputException("Invalid S3 bucket name '" + bucket
                    + "': use 3-255 lowercase letters, digits, dots, hyphens or underscores.");
        }
        prefix = normalizePrefix(prefix);
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new BadInputException("S3 part size must be between 5 MiB and 1 GiB, not " + partSize + " bytes.");
        }
        if (maxPartsInFlight < 1 || maxPartsInFlight > 64) {
            throw new BadInputException("S3 parts in flight must be between 1 and 64, not " + maxPartsInFlight + ".");
        }
        if (serverSideEncryption != null
                && !serverSideEncryption.equals("AES256")
                && !serverSideEncryption.equals("aws:kms")) {
            throw new BadInputException("Unknown S3 server-side encryption '" + serverSideEncryption
                    + "': use AES256 (SSE-S3) or aws:kms (SSE-KMS).");
        }
        if (kmsKeyId != null && !"aws:kms".equals(serverSideEncryption)) {
            throw new BadInputException("An S3 KMS key id needs server-side encryption aws:kms (sse=aws:kms).");
        }
        if (maxAttempts < 1) {
            throw new BadInputException("S3 max attempts must be at least 1, not " + maxAttempts + ".");
        }
        if (readAhead < 0 || readAhead > 16) {
            throw new BadInputException("S3 read-ahead must be between 0 and 16 ranges, not " + readAhead + ".");
        }
        if (memory < partSize || memory / partSize > MAX_BUFFERS) {
            throw new BadInputException("S3 memory must hold at least one part (part-size " + partSize
                    + " bytes) and at most " + MAX_BUFFERS + " parts, not " + memory + " bytes.");
        }
        if (endpoint != null && endpoint.getRawUserInfo() != null) {
            throw new BadInputException("The S3 endpoint must not hold credentials; use AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY, a profile or an instance role.");
        }
    }

    /** Options with every default for {@code bucket}: no prefix, default region and credentials, 16 MiB parts. */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    /** A builder holding these options, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder(bucket);
        b.prefix = prefix;
        b.region = region;
        b.endpoint = endpoint;
        b.pathStyle = pathStyle;
        b.profile = profile;
        b.credentialsProvider = credentialsProvider;
        b.partSize = partSize;
        b.maxPartsInFlight = maxPartsInFlight;
        b.serverSideEncryption = serverSideEncryption;
        b.kmsKeyId = kmsKeyId;
        b.storageClass = storageClass;
        b.maxAttempts = maxAttempts;
        // a derived default follows a changed part size; only a chosen memory stays
        b.memory = memory == defaultMemory(partSize) ? null : memory;
        b.readAhead = readAhead;
        return b;
    }

    /**
     * Parses {@code s3://bucket[/prefix][?param=value&...]}. Parameters: {@code endpoint}, {@code region}, {@code
     * path-style} (true/false), {@code profile}, {@code part-size} (bytes or e.g. {@code 64MiB}), {@code
     * max-parts-in-flight}, {@code sse} ({@code AES256} or {@code aws:kms}), {@code kms-key-id}, {@code
     * storage-class}, {@code max-attempts}, {@code memory} (bytes or e.g. {@code 64MiB}), {@code read-ahead}. Values
     * may be percent-encoded.
     *
     * @throws BadInputException for anything else, naming the part to fix (never echoing a value that could be a
     *     secret)
     */
    public static S3StorageOptions fromUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new BadInputException("The S3 repository URI is not valid (" + e.getReason()
                    + "); expected s3://bucket/prefix?region=...&endpoint=...");
        }
        if (!"s3".equalsIgnoreCase(parsed.getScheme())) {
            throw new BadInputException("Not an S3 repository URI: it must start with s3://");
        }
        String authority = parsed.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new BadInputException("The S3 repository URI names no bucket; expected s3://bucket/prefix");
        }
        if (authority.contains("@")) {
            throw new BadInputException("Credentials do not belong in the S3 repository URI; use AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY, a profile (profile=NAME) or an instance role.");
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        Builder builder = builder(authority).prefix(path.startsWith("/") ? path.substring(1) : path);
        String query = parsed.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                applyParameter(builder, name.toLowerCase(Locale.ROOT), value);
            }
        }
        return builder.build();
    }

    /** The names of the parameters {@link #fromUri} understands, the same as a front end's settings. */
    public static final List<String> PARAMETERS = List.of(
            "endpoint",
            "region",
            "path-style",
            "profile",
            "part-size",
            "max-parts-in-flight",
            "sse",
            "kms-key-id",
            "storage-class",
            "max-attempts",
            "memory",
            "read-ahead");

    /** The (lower-case) names of the parameters a repository URI gives; empty for an unparsable URI. */
    static Set<String> parameterNames(String uri) {
        Set<String> names = new HashSet<>();
        String query;
        try {
            query = new URI(uri.trim()).getRawQuery();
        } catch (URISyntaxException e) {
            return names;
        }
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                names.add(decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static void applyParameter(Builder builder, String name, String value) {
        switch (name) {
            case "endpoint" -> {
                try {
                    URI endpoint = new URI(value);
                    if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                        throw new URISyntaxException(value, "needs http:// or https:// and a host");
                    }
                    builder.endpoint(endpoint);
                } catch (URISyntaxException e) {
                    throw new BadInputException("The S3 endpoint parameter is not a URL (" + e.getReason()
                            + "); e.g. endpoint=https://minio.example.com:9000");
                }
            }
            case "region" -> builder.region(nonEmpty(name, value));
            case "path-style" -> builder.pathStyle(parseBoolean(name, value));
            case "profile" -> builder.profile(nonEmpty(name, value));
            case "part-size" -> builder.partSize(parseSize(value));
            case "max-parts-in-flight" -> builder.maxPartsInFlight(parseInt(name, value));
            case "sse" -> builder.serverSideEncryption(nonEmpty(name, value));
            case "kms-key-id" -> builder.kmsKeyId(nonEmpty(name, value));
            case "storage-class" -> builder.storageClass(nonEmpty(name, value).toUpperCase(Locale.ROOT));
            case "max-attempts" -> builder.maxAttempts(parseInt(name, value));
            case "memory" -> builder.memory(parseSize(value));
            case "read-ahead" -> builder.readAhead(parseInt(name, value));
            default ->
                throw new BadInputException("Unknown S3 repository URI parameter '" + name + "'; known: "
                        + String.join(", ", PARAMETERS) + ".");
        }
    }

    /**
     * Builds a synchronous client for these options: region, endpoint, addressing style, credentials, retries with
     * backoff; part integrity is checked with Content-MD5, which every S3-compatible store understands, so the SDK's
     * newer default checksums (not accepted by some compatible stores) are only sent when an operation requires them.
     * The caller closes it.
     */
    public S3Client buildClient() {
        var builder = S3Client.builder()
                .region(resolveRegion())
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // signed aws-chunked bodies (plain-HTTP endpoints) copy every 128 KiB of a part into a new array:
                // ~1.4 bytes of garbage per byte uploaded; the whole-part signature reads the reusable part buffers
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts)
                                .build())
                        .apiCallAttemptTimeout(Duration.ofMinutes(5)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    private static long defaultMemory(long partSize) {
        return Math.max(DEFAULT_MEMORY, 2 * partSize);
    }

    /** How many {@code partSize} buffers the adapter's {@link #memory()} holds. */
    int buffers() {
        return Math.toIntExact(memory / partSize);
    }

    /**
     * How many buffers part {@code partNumber} (from 1) of an object spans: one for the first 1,000 parts, then
     * doubling every 1,000 parts, but at most half of {@link #memory()} (so one part can fill while one uploads), or
     * all of it when it holds fewer than two parts.
     */
    int buffersOfPart(int partNumber) {
        int most = Math.max(1, buffers() / 2);
        int doublings = Math.min(30, (partNumber - 1) / PARTS_PER_SIZE);
        return (int) Math.min(most, 1L << doublings);
    }

    /**
     * The largest object an adapter with these options can write: 10,000 parts of the growing sizes of
     * {@link #buffersOfPart}; 148 GiB with the defaults (8 MiB parts, 32 MiB memory). Raise {@code memory} (larger
     * parts later) or {@code part-size} for larger objects.
     */
    public long maxObjectSize() {
        long total = 0;
        for (int part = 1; part <= MAX_PARTS; part++) {
            total += buffersOfPart(part) * partSize;
        }
        return total;
    }

    /** Where objects go, for messages: {@code s3://bucket/prefix} and the endpoint when not AWS. */
    public String describe() {
        String location = "s3://" + bucket + "/" + prefix;
        if (endpoint == null) {
            return location;
        }
        return location + " at " + endpoint.getScheme() + "://" + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
    }

    @Override
    public String toString() {
        // the credentials provider stays out: some providers print key ids
        return "S3StorageOptions[" + describe() + ", region=" + region + ", pathStyle=" + pathStyle + ", partSize="
                + partSize + ", maxPartsInFlight=" + maxPartsInFlight + ", memory=" + memory + ", readAhead="
                + readAhead + ", sse="
                + serverSideEncryption
                + ", storageClass=" + storageClass + "]";
    }

    private Region resolveRegion() {
        if (region != null) {
            return Region.of(region);
        }
        if (endpoint != null) {
            return Region.US_EAST_1; // compatible stores accept any region; us-east-1 is their convention
        }
        try {
            return DefaultAwsRegionProviderChain.builder()
                    .profileName(profile)
                    .build()
                    .getRegion();
        } catch (SdkClientException e) {
            throw new BadInputException("No AWS region for " + describe()
                    + ": add region=... to the repository URI (e.g. s3://bucket/prefix?region=eu-west-1) "
                    + "or set AWS_REGION.");
        }
    }

    private AwsCredentialsProvider credentials() {
        if (credentialsProvider != null) {
            return credentialsProvider;
        }
        if (profile != null) {
            return ProfileCredentialsProvider.builder().profileName(profile).build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static String normalizePrefix(String prefix) {
        String p = prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return "";
        }
        for (String segment : p.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadInputException("The S3 prefix must not contain '.' or '..' segments.");
            }
        }
        return p.endsWith("/") ? p : p + "/";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new BadInputException("The S3 repository URI parameter '" + name + "' needs a value.");
        }
        return value;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default ->
                throw new BadInputException("The S3 repository URI parameter '" + name + "' must be true or false.");
        };
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException("The S3 repository URI parameter '" + name + "' must be a number.");
        }
    }

    /** Parses {@code 16777216}, {@code 16MiB}, {@code 16MB}, {@code 16m} (binary units throughout). */
    static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadInputException(
                    "An S3 size (part-size, memory) must be bytes or a size such as 16MiB, not '" + value + "'.");
        }
        long number = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "k", "kb", "kib" -> 1024L;
            case "m", "mb", "mib" -> 1024L * 1024;
            case "g", "gb", "gib" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(number, unit);
    }

    /** Builds {@link S3StorageOptions}. */
    public static final class Builder {
        private final String bucket;
        private String prefix = "";
        private @Nullable String region;
        private @Nullable URI endpoint;
        private boolean pathStyle;
        private @Nullable String profile;
        private @Nullable AwsCredentialsProvider credentialsProvider;
        private long partSize = DEFAULT_PART_SIZE;
        private int maxPartsInFlight = DEFAULT_MAX_PARTS_IN_FLIGHT;
        private @Nullable String serverSideEncryption;
        private @Nullable String kmsKeyId;
        private @Nullable String storageClass;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private @Nullable Long memory;
        private int readAhead;

        private Builder(String bucket) {
            this.bucket = bucket;
        }

        /**
         * Sets one of {@link #PARAMETERS} from its text, parsed and checked as in a repository URI (e.g.
         * {@code part-size} {@code 64MiB}, {@code storage-class} {@code standard_ia}).
         *
         * @throws BadInputException for an unknown name or a value that is not valid
         */
        public Builder parameter(String name, String value) {
            applyParameter(this, name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public Builder region(@Nullable String region) {
            this.region = region;
            return this;
        }

        public Builder endpoint(@Nullable URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        public Builder profile(@Nullable String profile) {
            this.profile = profile;
            return this;
        }

        public Builder credentialsProvider(@Nullable AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        public Builder partSize(long partSize) {
            this.partSize = partSize;
            return this;
        }

        public Builder maxPartsInFlight(int maxPartsInFlight) {
            this.maxPartsInFlight = maxPartsInFlight;
            return this;
        }

        public Builder serverSideEncryption(@Nullable String serverSideEncryption) {
            this.serverSideEncryption = serverSideEncryption;
            return this;
        }

        public Builder kmsKeyId(@Nullable String kmsKeyId) {
            this.kmsKeyId = kmsKeyId;
            return this;
        }

        public Builder storageClass(@Nullable String storageClass) {
            this.storageClass = storageClass;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The adapter's transfer buffer memory; unset, {@link #DEFAULT_MEMORY} or two parts when parts are larger
         * than 16 MiB (so one part fills while one uploads).
         */
        public Builder memory(long memory) {
            this.memory = memory;
            return this;
        }

        /** Ranges read ahead in parallel for objects larger than one part (default 0: one plain GET). */
        public Builder readAhead(int readAhead) {
            this.readAhead = readAhead;
            return this;
        }

        public S3StorageOptions build() {
            return new S3StorageOptions(
                    bucket,
                    prefix,
                    region,
                    endpoint,
                    pathStyle,
                    profile,
                    credentialsProvider,
                    partSize,
                    maxPartsInFlight,
                    serverSideEncryption,
                    kmsKeyId,
                    storageClass,
                    maxAttempts,
                    memory != null ? memory : defaultMemory(partSize),
                    readAhead);
        }
    }
}
