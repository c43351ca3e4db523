package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How progress reads: the line's content, in place on a terminal, periodic lines elsewhere. */
class ProgressDisplayTest {
    private static final long MIB = 1024 * 1024;

    private static Progress dumping(long read, long written, long seconds, boolean done) {
        return new Progress(
                Progress.DUMPING,
                read,
                written,
                400 * MIB,
                true,
                Duration.ofSeconds(seconds),
                done ? null : "public.orders",
                done);
    }

    @Test
    void aBackupLineShowsBytesThroughputTimeAnEstimatedShareAndTheTable() {
        assertThat(ProgressDisplay.line("backup", dumping(100 * MIB, 25 * MIB, 4, false)))
                .isEqualTo("backup dumping: 100.0 MiB from pg_dump, 25.0 MiB stored, 25.0 MiB/s, 4.0 s,"
                        + " ~25% of the database size (ETA ~12 s), table public.orders");
        assertThat(ProgressDisplay.line("backup", dumping(300 * MIB, 80 * MIB, 75, true)))
                .isEqualTo("backup dumping: 300.0 MiB from pg_dump, 80.0 MiB stored, done in 1:15");
    }

    @Test
    void anExactTotalHasNoTilde() {
        Progress restoring = new Progress(
                Progress.RESTORING, 50 * MIB, 200 * MIB, 100 * MIB, false, Duration.ofSeconds(10), null, false);
        assertThat(ProgressDisplay.line("restore", restoring))
                .isEqualTo("restore restoring: 50.0 MiB read, 200.0 MiB to pg_restore, 5.0 MiB/s, 10 s, 50%"
                        + " (ETA 10 s)");
        Progress unknown = new Progress(Progress.RESTORING, 0, 0, -1, false, Duration.ofSeconds(3725), null, false);
        assertThat(ProgressDisplay.line("restore", unknown)).isEqualTo("restore restoring: 0 B read, 0 B/s, 1:02:05");
    }

    @Test
    void onATerminalOneLineIsRewrittenInPlaceAndEndsWithTheLineBreakOfThePhase() {
        StringWriter text = new StringWriter();
        ProgressDisplay display =
                new ProgressDisplay("backup", new PrintWriter(text), true, Duration.ofSeconds(10), 200);
        display.onProgress(dumping(100 * MIB, 25 * MIB, 4, false));
        display.onProgress(dumping(200 * MIB, 50 * MIB, 8, false));
        display.onProgress(dumping(300 * MIB, 80 * MIB, 9, true));
        String shown = text.toString();
        assertThat(shown).startsWith("\rbackup dumping: 100.0 MiB").doesNotContain("pgkeep:");
        assertThat(shown.split("\r", -1)).hasSize(4);
        assertThat(shown.indexOf('\n')).isEqualTo(shown.length() - 1);
        // the shorter final line is padded over the longer one before it
        String last = shown.substring(shown.lastIndexOf('\r') + 1, shown.length() - 1);
        String before = shown.split("\r")[2];
        assertThat(last)
                .hasSameSizeAs(before)
                .startsWith("backup dumping: 300.0 MiB")
                .endsWith(" ");
    }

    @Test
    void aTerminalLineIsCutToTheWidth() {
        StringWriter text = new StringWriter();
        new ProgressDisplay("backup", new PrintWriter(text), true, Duration.ZERO, 40)
                .onProgress(dumping(100 * MIB, 25 * MIB, 4, false));
        assertThat(text.toString()).hasSize(1 + 39);
    }

    @Test
    void elsewhereALineEveryIntervalAndAtTheEndOfEachPhase() {
        StringWriter text = new StringWriter();
        ProgressDisplay display = new ProgressDisplay("backup", new PrintWriter(text), false, Duration.ofHours(1), 120);
        display.onProgress(dumping(0, 0, 0, false));
        display.onProgress(dumping(100 * MIB, 25 * MIB, 4, false)); // within the interval: not shown
        display.onProgress(dumping(300 * MIB, 80 * MIB, 9, true));
        assertThat(text.toString().lines())
                .containsExactly(
                        "pgkeep: backup dumping: 0 B from pg_dump, 0 B/s, 0.0 s, ~0% of the database size,"
                                + " table public.orders",
                        "pgkeep: backup dumping: 300.0 MiB from pg_dump, 80.0 MiB stored, done in 9.0 s");
        assertThat(text.toString()).doesNotContain("\r");

        StringWriter every = new StringWriter();
        ProgressDisplay all = new ProgressDisplay("backup", new PrintWriter(every), false, Duration.ZERO, 120);
        all.onProgress(dumping(0, 0, 0, false));
        all.onProgress(dumping(100 * MIB, 25 * MIB, 4, false));
        assertThat(every.toString().lines()).hasSize(2);
    }

    @Test
    void aLineLeftOpenByAFailureIsEndedBeforeTheErrorAndAFinishedOneIsNot() {
        StringWriter text = new StringWriter();
        ProgressDisplay display =
                new ProgressDisplay("backup", new PrintWriter(text), true, Duration.ofSeconds(10), 200);
        display.onProgress(dumping(100 * MIB, 25 * MIB, 4, false));
        display.endLine();
        assertThat(text.toString()).endsWith("public.orders\n");
        display.onProgress(dumping(300 * MIB, 80 * MIB, 9, true));
        int length = text.toString().length();
        display.endLine();
        assertThat(text.toString()).hasSize(length);
    }

    @Test
    void theWidthComesFromColumnsWhenExported() {
        assertThat(ProgressDisplay.terminalWidth("132")).isEqualTo(132);
    }
}
