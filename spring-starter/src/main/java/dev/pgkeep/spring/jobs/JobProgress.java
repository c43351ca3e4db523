package dev.pgkeep.spring.jobs;

import dev.pgkeep.core.Progress;
import java.time.Instant;

/**
 * How far a job is, from core's {@link Progress}: the last report of the phase it is in (or ended with).
 *
 * @param phase core's phase: {@code dumping}, {@code checksum}, {@code decoding}, {@code checking}, {@code restoring}
 * @param bytesDone bytes read in this phase
 * @param bytesTotal what {@code bytesDone} should reach, or -1 when unknown
 * @param estimate whether {@code bytesTotal} is an estimate (a backup's: the database's size, above the dump's)
 * @param phaseDone whether this is the phase's last report
 * @param at when it was reported
 */
public record JobProgress(
        String phase, long bytesDone, long bytesTotal, boolean estimate, boolean phaseDone, Instant at) {

    static JobProgress of(Progress progress, Instant at) {
        return new JobProgress(
                progress.phase(),
                progress.bytesRead(),
                progress.expectedBytes(),
                progress.estimate(),
                progress.phaseDone(),
                at);
    }
}
