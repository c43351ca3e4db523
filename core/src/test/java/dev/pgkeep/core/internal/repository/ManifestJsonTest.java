package dev.pgkeep.core.internal.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
    @Test
    void roundTripsWithTheDocumentedFieldNames() {
        BackupManifest m = RetentionPlanTest.backup(1, true);
        m = new BackupManifest(
                1,
                m.id(),
                "shop",
                "nightly",
                m.trigger(),
                m.startedAt(),
                m.completedAt(),
                1234,
                "15.18",
                "15.18",
                "/usr/lib/postgresql/15/bin/pg_dump",
                "custom",
                m.compression(),
                new BackupManifest.Encryption("openpgp", List.of("ABCD")),
                "dump.pgc.zst.pgp",
                100,
                40,
                "ab",
                List.of(new BackupManifest.TableRows("public", "t", 3)),
                new BackupManifest.Proof(BackupManifest.Proof.INSPECTOR, null),
                m.tool(),
                new BackupManifest.Application(
                        "shop-service", "2.4.1", new BackupManifest.SchemaVersion("flyway", "42", "add orders index")),
                m.verification());
        String json = new String(ManifestJson.write(m), StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"application\" : {")
                .contains("\"version\" : \"2.4.1\"")
                .contains("\"tool\" : \"flyway\"")
                .contains("\"formatVersion\" : 1")
                .contains("\"id\" : \"" + m.id().value() + "\"")
                .contains("\"trigger\" : \"schedule\"")
                .contains("\"startedAt\" : \"2026-")
                .contains("\"compression\" : {")
                .contains("\"recipients\" : [ \"ABCD\" ]")
                .contains("\"tables\" : [ {")
                .contains("\"pgDumpPath\" : \"/usr/lib/postgresql/15/bin/pg_dump\"")
                .contains("\"proof\" : {");
        assertThat(ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "test"))
                .isEqualTo(m);
    }

    @Test
    void readsManifestsWrittenBeforeTheToolPathAndProofWereRecorded() {
        BackupManifest m = RetentionPlanTest.backup(1, null);
        String json = new String(ManifestJson.write(m), StandardCharsets.UTF_8)
                .replaceAll("\"pgDumpPath\" : null,", "")
                .replaceAll("\"proof\" : null,", "");
        assertThat(json).doesNotContain("proof").doesNotContain("pgDumpPath");
        BackupManifest read = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "old");
        assertThat(read.proof()).isNull();
        assertThat(read.pgDumpPath()).isNull();
        assertThat(read).isEqualTo(m);
    }

    @Test
    void toleratesUnknownFieldsButNotNewerFormats() {
        BackupManifest m = RetentionPlanTest.backup(1, null);
        String json = new String(ManifestJson.write(m), StandardCharsets.UTF_8);
        String withExtra = json.replaceFirst("\\{", "{ \"addedLater\": true,");
        assertThat(ManifestJson.read(withExtra.getBytes(StandardCharsets.UTF_8), "x"))
                .isEqualTo(m);
        String newer = json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> ManifestJson.read(newer.getBytes(StandardCharsets.UTF_8), "x"))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("upgrade pgkeep");
        assertThatThrownBy(() -> ManifestJson.read("{not json".getBytes(StandardCharsets.UTF_8), "m.json"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("m.json");
    }
}
