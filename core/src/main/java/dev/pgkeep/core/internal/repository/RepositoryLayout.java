package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a backup's objects go: {@code <database>/<backup-id>/dump.pgc[.zst|.gz][.pgp]} and
 * {@code <database>/<backup-id>/manifest.json}. Database names are percent-encoded into one safe path segment.
 */
public final class RepositoryLayout {
    public static final String MANIFEST = "manifest.json";
    /**
     * Where whole-server backups keep their globals and set manifests; no database segment can be {@code .sets}
     * ({@code .} is always escaped there).
     */
    public static final String SETS = ".sets/";

    public static final String SET_MANIFEST = "set.json";

    /** The signature of a signed backup's statement, written just before the manifest. */
    public static final String SIGNATURE = "manifest.sig";

    public static final String DUMP_BASE = "dump.pgc";

    private RepositoryLayout() {}

    /** {@code my db} becomes {@code my%20db}; only {@code [A-Za-z0-9_-]} stay as they are. */
    public static String databaseSegment(String database) {
        StringBuilder sb = new StringBuilder();
        for (byte b : database.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    public static String backupPrefix(String database, BackupId id) {
        return databaseSegment(database) + "/" + id.value() + "/";
    }

    public static String manifestKey(String database, BackupId id) {
        return backupPrefix(database, id) + MANIFEST;
    }

    public static String signatureKey(String database, BackupId id) {
        return backupPrefix(database, id) + SIGNATURE;
    }

    public static String dumpKey(String database, BackupId id, String dumpObject) {
        return backupPrefix(database, id) + dumpObject;
    }

    /** The backup id in a key of the form {@code <db>/<id>/<name>}, if it has that form. */
    public static Optional<BackupId> idOf(String key) {
        String[] parts = key.split("/");
        if (parts.length != 3 || !BackupId.isValid(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(BackupId.parse(parts[1]));
    }

    /** The {@code <db>/<id>/} prefix of a key of that form. */
    public static String prefixOf(String key) {
        return key.substring(0, key.lastIndexOf('/') + 1);
    }
}
