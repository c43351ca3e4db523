package dev.pgkeep.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a backup holds, as its archive's table of contents lists it: what {@code --table} and {@code --schema} of a
 * selective restore can name.
 *
 * @param backupId the backup; {@code null} for a local file
 * @param items every entry of the archive, in archive order
 */
public record BackupContents(@Nullable BackupId backupId, String source, List<Item> items) {
    public BackupContents {
        items = List.copyOf(items);
    }

    /**
     * One entry.
     *
     * @param kind pg_dump's description: {@code TABLE}, {@code INDEX}, {@code FK CONSTRAINT}, {@code VIEW}, ...
     * @param rows for a table, the rows pg_dump wrote, when the manifest recorded them
     */
    public record Item(
            String kind,
            @Nullable String schema,
            String name,
            String owner,
            @Nullable Long rows) {}

    /** The tables, as {@code SCHEMA.NAME} of a selective restore names them. */
    public List<Item> tables() {
        return items.stream().filter(i -> i.kind().equals("TABLE")).toList();
    }
}
