package dev.pgkeep.core.internal.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupId;
import org.junit.jupiter.api.Test;

class RepositoryLayoutTest {
    @Test
    void databaseNamesBecomeOneSafePathSegment() {
        assertThat(RepositoryLayout.databaseSegment("shop_db-1")).isEqualTo("shop_db-1");
        assertThat(RepositoryLayout.databaseSegment("../etc")).isEqualTo("%2E%2E%2Fetc");
        assertThat(RepositoryLayout.databaseSegment("my db/x")).isEqualTo("my%20db%2Fx");
        assertThat(RepositoryLayout.databaseSegment("Zürich")).isEqualTo("Z%C3%BCrich");
    }

    @Test
    void keysFollowTheDocumentedLayout() {
        BackupId id = BackupId.parse("20261125T020000Z-7f3a");
        assertThat(RepositoryLayout.manifestKey("shop", id)).isEqualTo("shop/20261125T020000Z-7f3a/manifest.json");
        assertThat(RepositoryLayout.dumpKey("shop", id, "dump.pgc.zst"))
                .isEqualTo("shop/20261125T020000Z-7f3a/dump.pgc.zst");
        assertThat(RepositoryLayout.idOf("shop/20261125T020000Z-7f3a/manifest.json"))
                .contains(id);
        assertThat(RepositoryLayout.idOf("shop/not-an-id/manifest.json")).isEmpty();
        assertThat(RepositoryLayout.idOf("a/b/c/d")).isEmpty();
    }
}
