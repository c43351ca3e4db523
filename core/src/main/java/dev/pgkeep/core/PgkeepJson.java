package dev.pgkeep.core;

import dev.pgkeep.core.internal.repository.ManifestJson;
import java.nio.charset.StandardCharsets;

/**
 * pgkeep's JSON, for front ends that print what core returns ({@code --json}, scripts): manifests exactly as stored,
 * and results, records, maps and lists with the same conventions (ISO-8601 times, backup ids and triggers as text).
 */
public final class PgkeepJson {
    private PgkeepJson() {}

    /** A manifest as pgkeep stores it ({@code manifest.json}, pretty-printed). */
    public static String manifest(BackupManifest manifest) {
        return new String(ManifestJson.write(manifest), StandardCharsets.UTF_8);
    }

    /** Any value as compact JSON on one line. */
    public static String compact(Object value) {
        return ManifestJson.toJson(value);
    }

    /** Any value as pretty-printed JSON. */
    public static String pretty(Object value) {
        return ManifestJson.toPrettyJson(value);
    }
}
