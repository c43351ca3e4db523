package dev.pgkeep.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.PgkeepVersion;
import dev.pgkeep.core.internal.CredentialRedactor;
import dev.pgkeep.core.spi.BackupEvent;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link BackupEvent} as one line of JSON in pgkeep's audit schema (version {@value #SCHEMA_VERSION}),
 * documented field by field in {@code docs/audit.md}. The SLF4J audit log and the generic webhook both use it, so a
 * log pipeline parses both the same way.
 *
 * <p>Fields, in this order; those marked optional are left out when unknown: {@code schemaVersion} (int),
 * {@code type} (e.g. {@code backup.succeeded}), {@code operation}, {@code phase}, {@code at} (ISO-8601 UTC, milliseconds),
 * {@code trigger}, and optionally {@code database}, {@code backupId}, {@code actor}, {@code clientAddress},
 * {@code durationMs}, {@code storedBytes}, {@code dumpBytes}, {@code count}, {@code error}, {@code errorCode}, {@code label},
 * {@code sha256}, {@code encrypted}, and always {@code pgkeepVersion} ({@link PgkeepVersion#version()}). The error is redacted ({@link CredentialRedactor}) and cut to
 * {@value #MAX_ERROR_CHARS} characters.
 */
public final class AuditEventJson {
    /** Bumped only when a field changes meaning or is removed; new optional fields keep the version. */
    public static final int SCHEMA_VERSION = 1;

    static final int MAX_ERROR_CHARS = 4000;
    private static final int MAX_ERROR_LINES = 40;

    // always three fraction digits, so every line has the same timestamp shape
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    // Jackson stays private to core: no Jackson type appears in a public signature
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditEventJson() {}

    /** The event as a single-line JSON object. */
    public static String toJson(BackupEvent event) {
        try {
            return MAPPER.writeValueAsString(fields(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Could not write an audit event as JSON", e);
        }
    }

    /**
     * The event's fields in schema order, the same names and values as {@link #toJson}: strings, {@link Long},
     * {@link Integer} and {@link Boolean}. For sinks that hand the fields to a structured log or an event store
     * one by one ({@link Slf4jJsonAuditSink.Form#KEY_VALUES}).
     */
    public static Map<String, Object> fields(BackupEvent event) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("schemaVersion", SCHEMA_VERSION);
        node.put("type", event.type());
        node.put("operation", event.operation().wireName());
        node.put("phase", event.phase().wireName());
        node.put("at", TIMESTAMP.format(event.at()));
        node.put("trigger", event.trigger().wireName());
        putIfPresent(node, "database", event.database());
        putIfPresent(node, "backupId", event.backupId());
        putIfPresent(node, "actor", event.actor());
        putIfPresent(node, "clientAddress", event.clientAddress());
        putIfPresent(node, "durationMs", event.durationMs());
        putIfPresent(node, "storedBytes", event.storedBytes());
        putIfPresent(node, "dumpBytes", event.dumpBytes());
        putIfPresent(node, "count", event.count());
        if (event.error() != null) {
            node.put("error", CredentialRedactor.firstLines(event.error(), MAX_ERROR_LINES, MAX_ERROR_CHARS));
        }
        putIfPresent(node, "errorCode", event.errorCode());
        BackupManifest manifest = event.manifest();
        if (manifest != null) {
            if (event.backupId() == null) {
                node.put("backupId", manifest.id().value());
            }
            putIfPresent(node, "label", manifest.label());
            node.put("sha256", manifest.sha256());
            node.put("encrypted", manifest.encrypted());
        }
        node.put("pgkeepVersion", PgkeepVersion.version());
        return Collections.unmodifiableMap(node);
    }

    private static void putIfPresent(Map<String, Object> node, String field, @Nullable Object value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
