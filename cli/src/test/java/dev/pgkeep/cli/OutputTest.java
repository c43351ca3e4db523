package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The human output's formatting: local times with UTC alongside, binary units, width-fitted tables. */
class OutputTest {
    @Test
    void timesAreLocalWithTheUtcInstantAlongside() {
        Instant at = Instant.parse("2026-12-01T13:03:44Z");
        assertThat(Output.time(at, ZoneId.of("Europe/Paris"))).isEqualTo("2026-12-01 14:03 CET (13:03Z)");
        assertThat(Output.time(Instant.parse("2026-07-01T13:03:00Z"), ZoneId.of("Europe/Paris")))
                .isEqualTo("2026-07-01 15:03 CEST (13:03Z)");
        // the UTC date is named when it is another day
        assertThat(Output.time(Instant.parse("2026-12-01T23:30:00Z"), ZoneId.of("Europe/Berlin")))
                .isEqualTo("2026-12-02 00:30 CET (12-01 23:30Z)");
        assertThat(Output.time(at, ZoneOffset.UTC)).isEqualTo("2026-12-01 13:03 UTC");
        assertThat(Output.time(at, ZoneId.of("UTC"))).isEqualTo("2026-12-01 13:03 UTC");
    }

    @Test
    void sizesAreInBinaryUnits() {
        assertThat(Output.bytes(1023)).isEqualTo("1023 B");
        assertThat(Output.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Output.bytes(5L * 1024 * 1024)).isEqualTo("5.0 MiB");
        assertThat(Output.bytes(3L * 1024 * 1024 * 1024 + 512L * 1024 * 1024)).isEqualTo("3.5 GiB");
    }

    @Test
    void tableColumnsAreAsWideAsTheirWidestCell() {
        Table table = new Table("ID", "SIZE", "LABEL").alignRight(1);
        table.row("a", "1.0 KiB", "nightly");
        table.row("much-longer-id", "12 B", "");
        assertThat(table.lines())
                .containsExactly(
                        "ID                 SIZE  LABEL",
                        "a               1.0 KiB  nightly",
                        "much-longer-id     12 B");
    }
}
