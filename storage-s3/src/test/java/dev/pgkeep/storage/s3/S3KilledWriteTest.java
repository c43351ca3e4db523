package dev.pgkeep.storage.s3;

import static dev.pgkeep.storage.s3.S3Fixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A backup process killed mid-upload leaves nothing listed, and the cleanup removes its parts. */
class S3KilledWriteTest {

    @Test
    void aKilledWriterLeavesNothingListedAndItsPartsAreCleanedUp() throws Exception {
        try (S3Fixture s3 = S3Fixture.start()) {
            String prefix = S3Fixture.uniquePrefix();
            String uri = ChildJvm.repositoryUri(s3.server, prefix, "part-size=5MiB&max-parts-in-flight=1");
            // with one part in flight, writing two parts and a byte returns only once part 1 is stored
            Process child = ChildJvm.start(
                    s3.server,
                    List.of(),
                    "hang",
                    uri,
                    "db/20261125T020000Z-dead/dump.pgc",
                    String.valueOf(10L * MIB + 1));
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("PART_STORED");
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            S3StorageAdapter storage =
                    new S3StorageAdapter(s3.client, s3.options(prefix).build());
            assertThat(storage.list("")).isEmpty();
            assertThat(storage.stat("db/20261125T020000Z-dead/dump.pgc")).isEmpty();
            assertThat(s3.openUploads(prefix)).hasSize(1); // a killed process cannot abort: the cleanup does
            assertThat(storage.removeIncompleteWrites(Duration.ZERO)).isEqualTo(1);
            assertThat(s3.openUploads(prefix)).isEmpty();
        }
    }
}
