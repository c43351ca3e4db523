package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/** Configuration of pgkeep in a Spring Boot application ({@code pgkeep.*}); documented in docs/spring-boot.md. */
@ConfigurationProperties("pgkeep")
public class PgkeepProperties {

    /** Whether to enable pgkeep's auto-configuration. */
    private boolean enabled = true;

    /** Where backups are stored: a folder, a file:/// URI or s3://bucket/prefix (needs pgkeep-storage-s3). */
    private @Nullable String repository;

    /**
     * Name of the deployment environment; "production" turns on the restore production guard (so do the active
     * profiles "prod" and "production").
     */
    private @Nullable String environment;

    /** Whether to check at start-up that pg_dump, the database, the repository and the keys are usable. */
    private boolean failFast = true;

    /** Database backed up by default; unset fields fall back to spring.datasource.* and the host's DataSource. */
    private Database database = new Database();

    /** More databases to back up on schedule and to select by name in the admin endpoints. */
    private List<Database> databases = new ArrayList<>();

    /** Compression of new backups. */
    private final Compression compression = new Compression();

    /** OpenPGP encryption of new backups and decryption on restore. */
    private final Encryption encryption = new Encryption();

    /** S3 repository settings the repository URI leaves out. */
    private final S3 s3 = new S3();

    /** Scheduled backups. */
    private final Schedule schedule = new Schedule();

    /** Retention after scheduled backups. */
    private final Retention retention = new Retention();

    /**
     * Second repositories (3-2-1): every scheduled backup is copied to each after it is committed, and each applies
     * its own retention. A failed copy is logged and alerted; the backup itself still succeeded.
     */
    private final List<Copy> copies = new ArrayList<>();

    /** Admin HTTP endpoints. */
    private final Admin admin = new Admin();

    /** Executor of admin jobs. */
    private final Jobs jobs = new Jobs();

    /** Restores. */
    private final Restore restore = new Restore();

    /** The pgkeep health indicator. */
    private final Health health = new Health();

    /** Alerts on failed (and optionally successful) operations. */
    private final Alerts alerts = new Alerts();

    /** The PostgreSQL client tools. */
    private final Tools tools = new Tools();

    /** The host's schema migrations (Flyway, Liquibase). */
    private final Migrations migrations = new Migrations();

    /** Scheduled restore drills: the newest good backup restored and checked, by the application's checks too. */
    private final Drill drill = new Drill();

    /**
     * Whether scheduled backups take the whole server of the (first) configured database: its roles and every
     * database the role may connect to, as one set (pgkeep backup --all).
     */
    private boolean allDatabases;

    /** Backups (scheduled and on request). */
    private final Backup backup = new Backup();

    /** Signed backups: signing new ones, trusting signers on restore and verify (needs pgkeep-crypto-gpg). */
    private final Signing signing = new Signing();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getRepository() {
        return repository;
    }

    public void setRepository(@Nullable String repository) {
        this.repository = repository;
    }

    public @Nullable String getEnvironment() {
        return environment;
    }

    public void setEnvironment(@Nullable String environment) {
        this.environment = environment;
    }

    public boolean isFailFast() {
        return failFast;
    }

    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }

    public Database getDatabase() {
        return database;
    }

    public void setDatabase(Database database) {
        this.database = database;
    }

    public List<Database> getDatabases() {
        return databases;
    }

    public void setDatabases(List<Database> databases) {
        this.databases = databases;
    }

    public Compression getCompression() {
        return compression;
    }

    public Encryption getEncryption() {
        return encryption;
    }

    public S3 getS3() {
        return s3;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Retention getRetention() {
        return retention;
    }

    public List<Copy> getCopies() {
        return copies;
    }

    public Migrations getMigrations() {
        return migrations;
    }

    public Drill getDrill() {
        return drill;
    }

    public boolean isAllDatabases() {
        return allDatabases;
    }

    public void setAllDatabases(boolean allDatabases) {
        this.allDatabases = allDatabases;
    }

    public Admin getAdmin() {
        return admin;
    }

    public Jobs getJobs() {
        return jobs;
    }

    public Restore getRestore() {
        return restore;
    }

    public Health getHealth() {
        return health;
    }

    public Alerts getAlerts() {
        return alerts;
    }

    public Tools getTools() {
        return tools;
    }

    public Backup getBackup() {
        return backup;
    }

    public Signing getSigning() {
        return signing;
    }

    /** One database: a JDBC or postgresql:// URL and the login. */
    public static class Database {

        /** JDBC (jdbc:postgresql://host:port/db) or postgresql:// URL of the database. */
        private @Nullable String url;

        /** Login role; defaults to spring.datasource.username for the default database. */
        private @Nullable String username;

        /** Password of the login role; passed to pg_dump through its environment, never its arguments. */
        private @Nullable String password;

        public @Nullable String getUrl() {
            return url;
        }

        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        public @Nullable String getUsername() {
            return username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        public @Nullable String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }
    }

    /** Compression of new backups. */
    public static class Compression {

        /** Codec of new backups: zstd, gzip or none. */
        private String codec = "zstd";

        /** Compression level; defaults to the codec's default (zstd 2, gzip 6). */
        private @Nullable Integer level;

        public String getCodec() {
            return codec;
        }

        public void setCodec(String codec) {
            this.codec = codec;
        }

        public @Nullable Integer getLevel() {
            return level;
        }

        public void setLevel(@Nullable Integer level) {
            this.level = level;
        }
    }

    /** OpenPGP encryption of new backups (needs pgkeep-crypto-gpg). */
    public static class Encryption {

        /** OpenPGP public keys (armored or binary resources) every new backup is encrypted to. */
        private List<Resource> publicKeys = new ArrayList<>();

        /** OpenPGP secret key used to decrypt encrypted backups on restore and verify. */
        private @Nullable Resource secretKey;

        /** Passphrase of the secret key. */
        private @Nullable String passphrase;

        public List<Resource> getPublicKeys() {
            return publicKeys;
        }

        public void setPublicKeys(List<Resource> publicKeys) {
            this.publicKeys = publicKeys;
        }

        public @Nullable Resource getSecretKey() {
            return secretKey;
        }

        public void setSecretKey(@Nullable Resource secretKey) {
            this.secretKey = secretKey;
        }

        public @Nullable String getPassphrase() {
            return passphrase;
        }

        public void setPassphrase(@Nullable String passphrase) {
            this.passphrase = passphrase;
        }
    }

    /** S3 repository settings that are not part of the s3:// URI (needs pgkeep-storage-s3). */
    public static class S3 {

        /** Endpoint of an S3-compatible service (MinIO, Ceph...); AWS when unset. */
        private @Nullable String endpoint;

        /** AWS region of the bucket. */
        private @Nullable String region;

        /** Whether to use path-style requests (bucket in the path), as most S3-compatible services need. */
        private boolean pathStyle;

        /** Server-side encryption of stored objects: AES256 (SSE-S3) or aws:kms (SSE-KMS); the bucket's default when unset. */
        private @Nullable String sse;

        /** KMS key (id or ARN) for sse=aws:kms; the account's default key when unset. */
        private @Nullable String kmsKeyId;

        /** Storage class of stored objects, e.g. STANDARD_IA or GLACIER_IR; the bucket's default when unset. */
        private @Nullable String storageClass;

        /**
         * Size of each multipart upload part and transfer buffer (5MB to 1GB); smaller objects go up in one request.
         * Unset: the S3 adapter's default (8MB, growing for very large objects).
         */
        private @Nullable DataSize partSize;

        /**
         * Transfer buffers of the repository, shared by all its uploads and downloads at once (whole parts count).
         * Unset: the S3 adapter's default (32MB).
         */
        private @Nullable DataSize memory;

        /**
         * Part-sized ranges of a large object downloaded in parallel ahead of a restore (0 to 16, within memory); 0
         * is one plain GET. Unset: the S3 adapter's default (0).
         */
        private @Nullable Integer readAhead;

        /** How often to try a request that failed with throttling, a server error or a network error. */
        private int maxAttempts = 5;

        /** Named profile of ~/.aws/credentials to take credentials from; the SDK's default chain when unset. */
        private @Nullable String profile;

        public @Nullable String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(@Nullable String endpoint) {
            this.endpoint = endpoint;
        }

        public @Nullable String getRegion() {
            return region;
        }

        public void setRegion(@Nullable String region) {
            this.region = region;
        }

        public boolean isPathStyle() {
            return pathStyle;
        }

        public void setPathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
        }

        public @Nullable String getSse() {
            return sse;
        }

        public void setSse(@Nullable String sse) {
            this.sse = sse;
        }

        public @Nullable String getKmsKeyId() {
            return kmsKeyId;
        }

        public void setKmsKeyId(@Nullable String kmsKeyId) {
            this.kmsKeyId = kmsKeyId;
        }

        public @Nullable String getStorageClass() {
            return storageClass;
        }

        public void setStorageClass(@Nullable String storageClass) {
            this.storageClass = storageClass;
        }

        public @Nullable DataSize getPartSize() {
            return partSize;
        }

        public void setPartSize(@Nullable DataSize partSize) {
            this.partSize = partSize;
        }

        public @Nullable DataSize getMemory() {
            return memory;
        }

        public void setMemory(@Nullable DataSize memory) {
            this.memory = memory;
        }

        public @Nullable Integer getReadAhead() {
            return readAhead;
        }

        public void setReadAhead(@Nullable Integer readAhead) {
            this.readAhead = readAhead;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public @Nullable String getProfile() {
            return profile;
        }

        public void setProfile(@Nullable String profile) {
            this.profile = profile;
        }
    }

    /** Scheduled backups. */
    public static class Schedule {

        /** Whether to back up every configured database on the cron schedule. */
        private boolean enabled = true;

        /** Cron expression (seconds first, Spring syntax) of scheduled backups. */
        private String cron = "0 0 2 * * *";

        /** Time zone the cron expression is read in. */
        private String zone = "UTC";

        /**
         * Minimum time an instance keeps its claim on a schedule tick, so that other instances whose clocks are a
         * little late do not run the same tick again; keep it below the interval between ticks.
         */
        private Duration claimAtLeastFor = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getCron() {
            return cron;
        }

        public void setCron(String cron) {
            this.cron = cron;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public Duration getClaimAtLeastFor() {
            return claimAtLeastFor;
        }

        public void setClaimAtLeastFor(Duration claimAtLeastFor) {
            this.claimAtLeastFor = claimAtLeastFor;
        }
    }

    /** Retention, applied after every successful scheduled backup. */
    public static class Retention {

        /** Whether to apply retention after each successful scheduled backup. */
        private boolean enabled = true;

        /** Days a backup is kept. */
        private int keepDays = 7;

        /** Minimum number of good backups kept per database, whatever their age. */
        private int keepMin = 1;

        /** Keep the newest good backup of each of the last N UTC days that have one (0: off). */
        private int keepDaily;

        /** Keep the newest good backup of each of the last N ISO weeks (UTC) that have one (0: off). */
        private int keepWeekly;

        /** Keep the newest good backup of each of the last N months (UTC) that have one (0: off). */
        private int keepMonthly;

        /** Keep the newest good backup of each of the last N years (UTC) that have one (0: off). */
        private int keepYearly;

        /**
         * How old leftovers of interrupted writes whose writer cannot be proven dead (open S3 multipart uploads of
         * other databases, dumps without a manifest) must be before retention and backups remove them. Leftovers that
         * can be proven dead (local partial files whose lock is free, anything of a database while its backup holds
         * its lock) go at once.
         */
        private Duration incompleteWriteGracePeriod = Duration.ofHours(24);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getKeepDays() {
            return keepDays;
        }

        public void setKeepDays(int keepDays) {
            this.keepDays = keepDays;
        }

        public int getKeepMin() {
            return keepMin;
        }

        public void setKeepMin(int keepMin) {
            this.keepMin = keepMin;
        }

        public int getKeepDaily() {
            return keepDaily;
        }

        public void setKeepDaily(int keepDaily) {
            this.keepDaily = keepDaily;
        }

        public int getKeepWeekly() {
            return keepWeekly;
        }

        public void setKeepWeekly(int keepWeekly) {
            this.keepWeekly = keepWeekly;
        }

        public int getKeepMonthly() {
            return keepMonthly;
        }

        public void setKeepMonthly(int keepMonthly) {
            this.keepMonthly = keepMonthly;
        }

        public int getKeepYearly() {
            return keepYearly;
        }

        public void setKeepYearly(int keepYearly) {
            this.keepYearly = keepYearly;
        }

        public Duration getIncompleteWriteGracePeriod() {
            return incompleteWriteGracePeriod;
        }

        public void setIncompleteWriteGracePeriod(Duration incompleteWriteGracePeriod) {
            this.incompleteWriteGracePeriod = incompleteWriteGracePeriod;
        }

        /** The policy these settings describe (checked: negative counts are refused with the setting's name). */
        public RetentionPolicy toPolicy() {
            return new RetentionPolicy(keepDays, keepMin, keepDaily, keepWeekly, keepMonthly, keepYearly);
        }
    }

    /** Scheduled restore drills. */
    public static class Drill {

        /** Whether to drill restores on pgkeep.drill.cron. */
        private boolean enabled;

        /** Cron expression (seconds first, Spring syntax, zone pgkeep.schedule.zone) of drills; weekly by default. */
        private String cron = "0 0 4 * * SUN";

        /**
         * URL of the server that receives the scratch databases (postgresql://user@host:port/db or jdbc:...); default
         * each database's own server. A separate server is recommended: a drill restores a whole copy.
         */
        private @Nullable String server;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getCron() {
            return cron;
        }

        public void setCron(String cron) {
            this.cron = cron;
        }

        public @Nullable String getServer() {
            return server;
        }

        public void setServer(@Nullable String server) {
            this.server = server;
        }
    }

    /** The host's schema migrations. */
    public static class Migrations {

        /**
         * Whether to back up the migrated (primary) database before the host's Flyway or Liquibase applies pending
         * migrations (label pre-migrate-TARGET; skipped when nothing is pending). A failed backup stops the start.
         */
        private boolean backupBeforeMigrate;

        public boolean isBackupBeforeMigrate() {
            return backupBeforeMigrate;
        }

        public void setBackupBeforeMigrate(boolean backupBeforeMigrate) {
            this.backupBeforeMigrate = backupBeforeMigrate;
        }
    }

    /** A second repository that receives a copy of every scheduled backup. */
    public static class Copy {

        /** The repository: a folder, file:///path or s3://bucket/prefix?endpoint=...; S3 settings as in the URI. */
        private @Nullable String repository;

        /** Retention applied to this repository after each copy (same settings and defaults as pgkeep.retention). */
        private final Retention retention = new Retention();

        public @Nullable String getRepository() {
            return repository;
        }

        public void setRepository(@Nullable String repository) {
            this.repository = repository;
        }

        public Retention getRetention() {
            return retention;
        }
    }

    /** Admin HTTP endpoints. */
    public static class Admin {

        /** Whether to register the admin endpoints. */
        private boolean enabled = true;

        /** Path under which the admin endpoints are served. */
        private String basePath = "/admin/db";

        /** Authority every admin request needs (checked through Spring Security). */
        private String requiredAuthority = "ROLE_ADMIN";

        /** Whether to register the endpoints without Spring Security on the classpath (anyone can call them). */
        private boolean allowUnsecured;

        /** Largest archive accepted by an upload restore. */
        private DataSize maxUploadSize = DataSize.ofGigabytes(1);

        /**
         * Uploads received or restored at the same time (each holds its archive in the temp folder until its job
         * ends); more are refused with 429.
         */
        private int maxConcurrentUploads = 1;

        /**
         * Origins (e.g. https://admin.example.com, patterns with *) besides the application's own that may send
         * state-changing admin requests from a browser; cross-site requests from any other are refused with 403.
         */
        private List<String> allowedOrigins = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBasePath() {
            return basePath;
        }

        public void setBasePath(String basePath) {
            this.basePath = basePath;
        }

        public String getRequiredAuthority() {
            return requiredAuthority;
        }

        public void setRequiredAuthority(String requiredAuthority) {
            this.requiredAuthority = requiredAuthority;
        }

        public boolean isAllowUnsecured() {
            return allowUnsecured;
        }

        public void setAllowUnsecured(boolean allowUnsecured) {
            this.allowUnsecured = allowUnsecured;
        }

        public DataSize getMaxUploadSize() {
            return maxUploadSize;
        }

        public void setMaxUploadSize(DataSize maxUploadSize) {
            this.maxUploadSize = maxUploadSize;
        }

        public int getMaxConcurrentUploads() {
            return maxConcurrentUploads;
        }

        public void setMaxConcurrentUploads(int maxConcurrentUploads) {
            this.maxConcurrentUploads = maxConcurrentUploads;
        }

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }
    }

    /** Executor of admin jobs (backup, restore, verify started over HTTP). */
    public static class Jobs {

        /** Number of jobs that run at the same time. */
        private int threads = 2;

        /** Number of jobs that may wait for a thread; more are refused with 503. */
        private int queueCapacity = 16;

        /** How long the status and result of a finished job can still be polled. */
        private Duration keepFinishedFor = Duration.ofHours(1);

        /**
         * How long shutdown waits for running jobs before interrupting them (a restore cut short leaves its target
         * half-restored); unset waits until they finish.
         */
        private @Nullable Duration shutdownTimeout;

        /**
         * Where admin jobs run: {@code auto} (db-scheduler in the host's database when there is a JDBC DataSource,
         * else in memory), {@code db-scheduler} or {@code memory} (single-instance: a job can be polled only on the
         * instance that accepted it).
         */
        private String engine = "auto";

        /** Schema of the job engine's table; left out of every backup and every restore. */
        private String schema = "pgkeep";

        /** This instance's name in the job table; default host name and a random suffix. */
        private @Nullable String instanceName;

        /** How often an instance looks for jobs accepted by another instance. */
        private Duration pollingInterval = Duration.ofSeconds(5);

        /** How often an instance updates the heartbeat of the jobs it runs. */
        private Duration heartbeatInterval = Duration.ofSeconds(10);

        /** Heartbeats an instance may miss before its running jobs are failed as instance-lost. */
        private int missedHeartbeats = 6;

        public String getEngine() {
            return engine;
        }

        public void setEngine(String engine) {
            this.engine = engine;
        }

        public String getSchema() {
            return schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public @Nullable String getInstanceName() {
            return instanceName;
        }

        public void setInstanceName(@Nullable String instanceName) {
            this.instanceName = instanceName;
        }

        public Duration getPollingInterval() {
            return pollingInterval;
        }

        public void setPollingInterval(Duration pollingInterval) {
            this.pollingInterval = pollingInterval;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public int getMissedHeartbeats() {
            return missedHeartbeats;
        }

        public void setMissedHeartbeats(int missedHeartbeats) {
            this.missedHeartbeats = missedHeartbeats;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Duration getKeepFinishedFor() {
            return keepFinishedFor;
        }

        public void setKeepFinishedFor(Duration keepFinishedFor) {
            this.keepFinishedFor = keepFinishedFor;
        }

        public @Nullable Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(@Nullable Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /** Restores. */
    public static class Restore {

        /** Whether to back up the target database (label pre-restore) before a restore changes it. */
        private boolean safetyBackup = true;

        /** Largest size an uploaded archive may expand to when decompressed (guards against decompression bombs). */
        private DataSize maxDecodedSize = DataSize.ofGigabytes(16);

        /**
         * Names (patterns with *) of databases that are not configured but that an admin restore may target, on the
         * main database's server; by default only configured databases are. PostgreSQL's own (postgres, template0,
         * template1) and template databases never are.
         */
        private List<String> allowedTargets = new ArrayList<>();

        /** Folder for uploaded archives and staged downloads; defaults to java.io.tmpdir. */
        private @Nullable Path tempDir;

        public boolean isSafetyBackup() {
            return safetyBackup;
        }

        public void setSafetyBackup(boolean safetyBackup) {
            this.safetyBackup = safetyBackup;
        }

        public DataSize getMaxDecodedSize() {
            return maxDecodedSize;
        }

        public void setMaxDecodedSize(DataSize maxDecodedSize) {
            this.maxDecodedSize = maxDecodedSize;
        }

        public List<String> getAllowedTargets() {
            return allowedTargets;
        }

        public void setAllowedTargets(List<String> allowedTargets) {
            this.allowedTargets = allowedTargets;
        }

        public @Nullable Path getTempDir() {
            return tempDir;
        }

        public void setTempDir(@Nullable Path tempDir) {
            this.tempDir = tempDir;
        }
    }

    /** The pgkeep health indicator. */
    public static class Health {

        /** Age of the newest good backup beyond which the health indicator reports STALE (or DOWN). */
        private Duration maxAge = Duration.ofHours(26);

        /**
         * Whether late or failing backups turn the application's aggregate health DOWN; by default the pgkeep
         * component reports STALE, which the aggregate ignores.
         */
        private boolean failAggregate;

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        public boolean isFailAggregate() {
            return failAggregate;
        }

        public void setFailAggregate(boolean failAggregate) {
            this.failAggregate = failAggregate;
        }
    }

    /** Alerts. */
    public static class Alerts {

        /** Slack (or compatible incoming webhook) alerts. */
        private final Slack slack = new Slack();

        public Slack getSlack() {
            return slack;
        }

        /** Slack (or any compatible incoming webhook) alerts. */
        public static class Slack {

            /** Incoming-webhook URL that receives a message when an operation fails; treated as a secret. */
            private @Nullable String webhookUrl;

            /** Whether to post successful backups too, not only failures. */
            private boolean onSuccess;

            public @Nullable String getWebhookUrl() {
                return webhookUrl;
            }

            public void setWebhookUrl(@Nullable String webhookUrl) {
                this.webhookUrl = webhookUrl;
            }

            public boolean isOnSuccess() {
                return onSuccess;
            }

            public void setOnSuccess(boolean onSuccess) {
                this.onSuccess = onSuccess;
            }
        }
    }

    /** The PostgreSQL client tools. */
    public static class Tools {

        /**
         * Folders holding pg_dump, pg_restore and psql, one per PostgreSQL major, separated by ':'; each server gets
         * the tools of its major, else of the nearest newer one. Defaults to PGKEEP_PG_BIN, else every standard place.
         */
        private @Nullable String binDir;

        public @Nullable String getBinDir() {
            return binDir;
        }

        public void setBinDir(@Nullable String binDir) {
            this.binDir = binDir;
        }

        /** The folders of {@link #getBinDir()}; empty for the default. */
        public List<Path> folders() {
            return binDir == null ? List.of() : PostgresTools.splitPath(binDir);
        }
    }

    /** Backups (scheduled and on request). */
    public static class Backup {

        /**
         * How long pg_dump waits for the shared lock on each table before the backup fails (a table held in ACCESS
         * EXCLUSIVE mode would otherwise block it, and the scheduler, forever); 0 waits without limit.
         */
        private Duration lockWaitTimeout = Duration.ofMinutes(5); // BackupServiceBuilder.DEFAULT_LOCK_WAIT_TIMEOUT

        public Duration getLockWaitTimeout() {
            return lockWaitTimeout;
        }

        public void setLockWaitTimeout(Duration lockWaitTimeout) {
            this.lockWaitTimeout = lockWaitTimeout;
        }

        /**
         * Parallel pg_dump jobs: 1 stores one custom-format archive; 2 or more run pg_dump --format=directory
         * --jobs=N, spooling its files in pgkeep.restore.temp-dir, and store each file as an object of its own.
         */
        private int jobs = 1;

        public int getJobs() {
            return jobs;
        }

        public void setJobs(int jobs) {
            this.jobs = jobs;
        }
    }

    /** Signed backups (needs pgkeep-crypto-gpg). */
    public static class Signing {

        /**
         * OpenPGP secret key that signs every new backup (manifest.sig beside its manifest); may be the secret key of
         * the encryption key pair.
         */
        private @Nullable Resource privateKey;

        /** Passphrase of the signing key; leave it unset for a key without one. */
        private @Nullable String passphrase;

        /**
         * OpenPGP public keys of the hosts whose signatures restore and verify trust; with any set, a backup that is
         * unsigned or signed by another key is refused.
         */
        private List<Resource> trustedKeys = new ArrayList<>();

        public @Nullable Resource getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(@Nullable Resource privateKey) {
            this.privateKey = privateKey;
        }

        public @Nullable String getPassphrase() {
            return passphrase;
        }

        public void setPassphrase(@Nullable String passphrase) {
            this.passphrase = passphrase;
        }

        public List<Resource> getTrustedKeys() {
            return trustedKeys;
        }

        public void setTrustedKeys(List<Resource> trustedKeys) {
            this.trustedKeys = trustedKeys;
        }
    }
}
