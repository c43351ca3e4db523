package dev.pgkeep.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupId;
import dev.pgkeep.core.BackupListing;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PruneResult;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.command.FakeProcessRunner.Answer;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection into a real local repository: a garbage manifest, one of a future format and one moved under another
 * backup's key are skipped and counted by list and prune instead of failing them, are never deleted by prune, and a
 * delete never follows the fields of a manifest to another backup's folder.
 */
class UnreadableManifestsTest {
    private static final String GARBAGE = "app/20260101T000000Z-aaaaaaaaaaaa/manifest.json";
    private static final String FUTURE = "app/20260102T000000Z-bbbbbbbbbbbb/manifest.json";
    private static final String MOVED = "app/20260103T000000Z-cccccccccccc/manifest.json";

    @Test
    void badManifestsAreSkippedAndCountedAndNeverDeleted(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        Path root = dir.resolve("repo");
        BackupService service =
                fx.builder().storage(new LocalStorageAdapter(root)).build();
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 3).bytes()));
        BackupManifest older = service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();
        BackupManifest newer = service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();
        Path olderManifest = root.resolve("app/" + older.id().value() + "/manifest.json");
        String json = Files.readString(olderManifest);

        write(root, GARBAGE, "{ this is not json");
        write(root, FUTURE, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        write(root, MOVED, json); // says it is `older`, stored where another backup's manifest belongs

        BackupListing listing = service.listing(null);
        assertThat(listing.backups()).extracting(BackupManifest::id).containsExactly(newer.id(), older.id());
        assertThat(listing.skipped()).containsExactly(GARBAGE, FUTURE, MOVED);

        assertThatThrownBy(() -> service.get(BackupId.parse("20260101T000000Z-aaaaaaaaaaaa")))
                .isInstanceOfSatisfying(
                        PgkeepException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTEGRITY));
        assertThatThrownBy(() -> service.get(BackupId.parse("20260102T000000Z-bbbbbbbbbbbb")))
                .hasMessageContaining("format version 99");
        // deleting the moved one by its id must not delete `older`, whose id its fields name
        assertThatThrownBy(() -> service.delete(BackupId.parse("20260103T000000Z-cccccccccccc")))
                .isInstanceOf(PgkeepException.class);
        assertThat(olderManifest).exists();

        PruneResult pruned = service.prune(new RetentionPolicy(0, 1), false);
        assertThat(pruned.deleted()).extracting(BackupManifest::id).containsExactly(older.id());
        assertThat(pruned.skipped()).containsExactly(GARBAGE, FUTURE, MOVED);
        for (String key : List.of(GARBAGE, FUTURE, MOVED)) {
            assertThat(root.resolve(key)).exists();
        }
        assertThat(service.list(null)).extracting(BackupManifest::id).containsExactly(newer.id());
    }

    private static void write(Path root, String key, String content) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void getByIdReadsTheManifestDirectlyAndAnIdUnderTwoDatabasesIsAnErrorNotAGuess(@TempDir Path dir) throws Exception {
        CommandFixture fx = new CommandFixture(dir, "15.4");
        Path root = dir.resolve("repo");
        HookedStorage storage = new HookedStorage(new LocalStorageAdapter(root));
        BackupService service =
                fx.builder().storage(storage).database(CommandFixture.DB).build();
        fx.runner.on(
                "pg_dump",
                List.of("--format=custom"),
                Answer.ok(new TestArchive().table("t", 3).bytes()));
        BackupManifest m = service.backup(BackupRequest.of(CommandFixture.DB, Trigger.TEST))
                .manifest();
        storage.listed.clear();

        assertThat(service.get(m.id())).map(BackupManifest::id).contains(m.id());
        assertThat(storage.listed).as("no listing for a lookup by id").isEmpty();

        // the same id under another database (a copied folder): the lookup refuses to pick one
        Path copy = Files.createDirectories(root.resolve("other/" + m.id().value()));
        Files.copy(root.resolve("app/" + m.id().value() + "/manifest.json"), copy.resolve("manifest.json"));
        BackupService withoutDefault = fx.builder().storage(storage).build();
        assertThatThrownBy(() -> withoutDefault.get(m.id())).hasMessageContaining("stored more than once");
    }
}
