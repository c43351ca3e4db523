package dev.pgkeep.core.internal.repository;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.Trigger;
import java.io.IOException;

/** Core's private JSON mapper: manifests, {@code --json} output and audit lines. Jackson stays inside core. */
public final class ManifestJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("pgkeep")
                    .addSerializer(BackupId.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(BackupId value, JsonGenerator gen, SerializerProvider serializers)
                                throws IOException {
                            gen.writeString(value.value());
                        }
                    })
                    .addDeserializer(BackupId.class, new JsonDeserializer<>() {
                        @Override
                        public BackupId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return BackupId.parse(p.getValueAsString());
                        }
                    })
                    .addSerializer(Trigger.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Trigger value, JsonGenerator gen, SerializerProvider serializers)
                                throws IOException {
                            gen.writeString(value.wireName());
                        }
                    })
                    .addDeserializer(Trigger.class, new JsonDeserializer<>() {
                        @Override
                        public Trigger deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Trigger.fromWireName(p.getValueAsString());
                        }
                    }))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestJson() {}

    public static byte[] write(BackupManifest manifest) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new PgkeepException("Cannot write the manifest of backup " + manifest.id(), e);
        }
    }

    /** Parses a manifest; {@code where} names it in the error message. */
    public static BackupManifest read(byte[] json, String where) {
        BackupManifest manifest;
        try {
            manifest = MAPPER.readValue(json, BackupManifest.class);
        } catch (IOException | RuntimeException e) {
            throw new IntegrityException("The manifest " + where + " is unreadable: " + e.getMessage(), e);
        }
        if (manifest.formatVersion() > BackupManifest.FORMAT_VERSION) {
            throw new PgkeepException("The manifest " + where + " has format version " + manifest.formatVersion()
                    + ", newer than this pgkeep understands (" + BackupManifest.FORMAT_VERSION + "); upgrade pgkeep.");
        }
        boolean directory = manifest.directory();
        if (!directory && !BackupManifest.CUSTOM.equals(manifest.format())) {
            throw new PgkeepException("The manifest " + where + " describes a backup in the format '"
                    + manifest.format() + "', which this pgkeep cannot read (it reads '" + BackupManifest.CUSTOM
                    + "' and '" + BackupManifest.DIRECTORY + "'); upgrade pgkeep.");
        }
        if (directory && (manifest.objects() == null || manifest.objects().isEmpty())) {
            throw new IntegrityException(
                    "The manifest " + where + " describes a directory-format backup but lists no objects.");
        }
        return manifest;
    }

    /** A whole-server backup's manifest; {@code where} names it in the error message. */
    public static BackupSet readSet(byte[] json, String where) {
        BackupSet set;
        try {
            set = MAPPER.readValue(json, BackupSet.class);
        } catch (IOException | RuntimeException e) {
            throw new IntegrityException("The set manifest " + where + " is unreadable: " + e.getMessage(), e);
        }
        if (set.formatVersion() > BackupSet.FORMAT_VERSION) {
            throw new PgkeepException("The set manifest " + where + " has format version " + set.formatVersion()
                    + ", newer than this pgkeep understands (" + BackupSet.FORMAT_VERSION + "); upgrade pgkeep.");
        }
        return set;
    }

    public static byte[] writeSet(BackupSet set) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(set);
        } catch (IOException e) {
            throw new PgkeepException("Cannot write the manifest of set " + set.id(), e);
        }
    }

    /** Any value (records, maps, lists) as compact JSON; for CLI output and audit lines. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new PgkeepException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Pretty-printed JSON. */
    public static String toPrettyJson(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new PgkeepException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
