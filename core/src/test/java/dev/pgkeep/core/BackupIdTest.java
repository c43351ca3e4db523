package dev.pgkeep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupIdTest {
    @Test
    void generatedIdsCarryTheUtcTimeAndSortByIt() {
        BackupId early = BackupId.generate(Instant.parse("2026-11-25T02:00:00.900Z"));
        BackupId late = BackupId.generate(Instant.parse("2026-11-25T02:00:01Z"));
        assertThat(early.value()).startsWith("20261125T020000Z-").hasSize(29);
        assertThat(early).isLessThan(late);
        assertThat(BackupId.parse(early.value())).isEqualTo(early);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "..",
                "../../etc/passwd",
                "20261125T020000Z-7f3a/../x",
                "20261125T020000Z",
                "20261125T020000Z-7F3A",
                "20261125T020000Z-7f3a\n",
                "/20261125T020000Z-7f3a",
                "2026112T020000Z-7f3a"
            })
    void anythingElseIsRejectedWithAHint(String bad) {
        assertThatThrownBy(() -> BackupId.parse(bad))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("not a pgkeep backup id")
                .hasMessageNotContaining("\n");
    }
}
