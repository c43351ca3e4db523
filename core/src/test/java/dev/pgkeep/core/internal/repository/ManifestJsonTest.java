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
        String newer = json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 3");
        assertThatThrownBy(() -> ManifestJson.read(newer.getBytes(StandardCharsets.UTF_8), "x"))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("upgrade pgkeep");
        assertThatThrownBy(() -> ManifestJson.read("{not json".getBytes(StandardCharsets.UTF_8), "m.json"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("m.json");
    }

    @Test
    void aDirectoryBackupRoundTripsItsObjectsAndOldManifestsHaveNone() {
        BackupManifest single = RetentionPlanTest.backup(1, null);
        assertThat(single.objects()).isNull();
        assertThat(single.directory()).isFalse();
        List<BackupManifest.StoredObject> objects = List.of(
                new BackupManifest.StoredObject("dump.d.toc.dat.zst", "toc.dat", 2837, 942, "cd"),
                new BackupManifest.StoredObject("dump.d.3352.dat.zst", "3352.dat", 7888900, 3920984, "ab"));
        BackupManifest m = directory(single, objects, "directory");
        String json = new String(ManifestJson.write(m), StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"formatVersion\" : 2")
                .contains("\"format\" : \"directory\"")
                .contains("\"objects\" : [ {")
                .contains("\"file\" : \"3352.dat\"");
        BackupManifest read = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "dir");
        assertThat(read).isEqualTo(m);
        assertThat(read.directory()).isTrue();
        // the listing is canonical: sorted by name, whatever order the objects were stored in
        assertThat(new String(BackupManifest.objectListing(objects), StandardCharsets.UTF_8))
                .isEqualTo("ab 3920984 dump.d.3352.dat.zst\ncd 942 dump.d.toc.dat.zst\n");
    }

    @Test
    void aFormatThisPgkeepDoesNotKnowOrADirectoryWithoutObjectsIsRefused() {
        BackupManifest single = RetentionPlanTest.backup(1, null);
        String tar = new String(
                ManifestJson.write(
                        directory(single, List.of(new BackupManifest.StoredObject("a", "toc.dat", 1, 1, "ab")), "tar")),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ManifestJson.read(tar.getBytes(StandardCharsets.UTF_8), "t.json"))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("'tar'")
                .hasMessageContaining("upgrade pgkeep");
        String empty =
                new String(ManifestJson.write(directory(single, List.of(), "directory")), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ManifestJson.read(empty.getBytes(StandardCharsets.UTF_8), "e.json"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("lists no objects");
    }

    private static BackupManifest directory(
            BackupManifest m, List<BackupManifest.StoredObject> objects, String format) {
        return new BackupManifest(
                BackupManifest.FORMAT_VERSION,
                m.id(),
                m.database(),
                m.label(),
                m.trigger(),
                m.startedAt(),
                m.completedAt(),
                m.durationMs(),
                m.server(),
                m.pgDumpVersion(),
                m.pgDumpPath(),
                format,
                m.compression(),
                null,
                "dump.d.toc.dat.zst",
                7891737,
                3921926,
                "ef",
                m.tables(),
                m.proof(),
                m.tool(),
                null,
                null,
                objects);
    }
}
