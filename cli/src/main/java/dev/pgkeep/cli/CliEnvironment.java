package dev.pgkeep.cli;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.audit.Slf4jJsonAuditSink;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.spi.StorageAdapterFactory;
import dev.pgkeep.core.storage.StorageAdapters;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the commands share: the environment variables, the output streams, and how to build a service from them. */
final class CliEnvironment implements AutoCloseable {
    private final Map<String, String> env;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final PrintWriter out;
    private final PrintWriter err;
    private @Nullable String slackWebhook;

    CliEnvironment(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Implemented by commands that need the environment. */
    interface Aware {
        void environment(CliEnvironment environment);
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** The environment variables the command was started with. */
    Map<String, String> variables() {
        return env;
    }

    @Nullable
    String getenv(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** The zone times are shown in: {@code TZ} when set and valid, else the system's. */
    ZoneId zone() {
        String tz = getenv("TZ");
        if (tz != null) {
            try {
                return ZoneId.of(tz.startsWith(":") ? tz.substring(1) : tz);
            } catch (java.time.DateTimeException e) {
                // a POSIX TZ rule Java does not read: the JVM's own reading of it
            }
        }
        return ZoneId.systemDefault();
    }

    boolean production() {
        return "production".equalsIgnoreCase(getenv("PGKEEP_ENV"));
    }

    /**
     * {@code --db} (whose default is {@code PGKEEP_DB}), else libpq's own variables: host, port, user and password
     * stay with libpq (inherited by pg_dump), and the database is {@code PGDATABASE}, {@code PGUSER} or the OS user,
     * as libpq does.
     */
    DatabaseConnection database(@Nullable String url) {
        if (url != null && !url.isBlank()) {
            return DatabaseConnection.parse(url);
        }
        String name = getenv("PGDATABASE");
        if (name == null) {
            name = getenv("PGUSER");
        }
        if (name == null) {
            name = System.getProperty("user.name");
        }
        return new DatabaseConnection(null, null, name, null, null, Map.of());
    }

    /** {@code --repo} (a path, {@code file:///path} or {@code s3://bucket/prefix?...}; default {@code PGKEEP_REPO}). */
    StorageAdapter storage(@Nullable String repo) {
        String chosen = repo;
        if (chosen == null || chosen.isBlank()) {
            throw new BadInputException("No repository: give --repo PATH|s3://bucket/prefix or set PGKEEP_REPO.");
        }
        StorageAdapter storage = StorageAdapters.open(chosen, StorageAdapterFactory.Context.of(Map.of()));
        if (storage instanceof AutoCloseable closeable) {
            closeLater(closeable);
        }
        return storage;
    }

    BackupServiceBuilder service(StorageAdapter storage, @Nullable DatabaseConnection database, Encryptor encryptor) {
        BackupServiceBuilder builder = BackupService.builder()
                .storage(storage)
                .database(database)
                .encryptor(encryptor)
                .auditSink(new Slf4jJsonAuditSink());
        Repositories.alerts(slackWebhook == null || slackWebhook.isBlank() ? null : slackWebhook)
                .map(this::closeLater)
                .ifPresent(builder::auditSink);
        return builder;
    }

    /** {@code --slack-webhook} (default {@code PGKEEP_SLACK_WEBHOOK}). */
    void slackWebhook(@Nullable String url) {
        this.slackWebhook = url;
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes what the command opened (S3 clients; the webhook notifier, which delivers a pending alert first). */
    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                err.println("pgkeep: warning: " + e.getMessage());
            }
        }
        resources.clear();
    }

    static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    }

    /** slf4j-simple reads its settings once, before the first logger: warnings only unless --verbose. */
    static void configureLogging(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose(args) ? "info" : "warn");
        // the audit trail (one JSON line per event) goes to stderr only when asked for
        // (the demo's refused restore is expected: its audit warning would only alarm)
        boolean demo = args.length > 0 && args[0].equals("demo");
        System.setProperty("org.slf4j.simpleLogger.log.pgkeep.audit", verbose(args) ? "info" : demo ? "off" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    }
}
