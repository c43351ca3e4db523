package dev.pgkeep.core;

import java.time.Duration;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * Where a backup, restore or verify is, as a {@link ProgressListener} sees it.
 *
 * @param phase what is happening: {@link #DUMPING} (backup), {@link #CHECKSUM}, {@link #DECODING},
 *     {@link #CHECKING} (verify's pg_restore --list and archive scan), {@link #RESTORING}, {@link #COPYING}
 * @param bytesRead bytes read in this phase: from pg_dump when dumping, from storage (or the file) otherwise
 * @param bytesWritten bytes written in this phase: to storage when dumping (compressed, encrypted), the decoded
 *     archive handed to pg_restore when restoring or checking; 0 when the phase writes nothing
 * @param expectedBytes what {@code bytesRead} should reach, or -1 when unknown
 * @param estimate whether {@code expectedBytes} is an estimate: a backup's comes from {@code pg_database_size}, which
 *     counts indexes and free space the dump does not hold, so a dump usually ends well below it
 * @param elapsed since the phase started
 * @param table the table whose rows stream past now, {@code schema.name}, when known
 * @param phaseDone true in the last report of the phase
 */
public record Progress(
        String phase,
        long bytesRead,
        long bytesWritten,
        long expectedBytes,
        boolean estimate,
        Duration elapsed,
        @Nullable String table,
        boolean phaseDone) {
    public static final String DUMPING = "dumping";
    public static final String CHECKSUM = "checksum";
    public static final String DECODING = "decoding";
    public static final String CHECKING = "checking";
    public static final String RESTORING = "restoring";
    /** {@code copy}: the stored objects streaming to the other repository. */
    public static final String COPYING = "copying";

    /** {@code bytesRead / expectedBytes} between 0 and 1 (an estimate may be passed: then 1), if known. */
    public OptionalDouble fraction() {
        if (expectedBytes <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, (double) bytesRead / expectedBytes));
    }

    /** Bytes read per second over the phase so far; 0 at its very start. */
    public double bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : bytesRead * 1e9 / nanos;
    }

    /** The time left at the phase's throughput so far, if the total is known and bytes flow. */
    public @Nullable Duration remaining() {
        double rate = bytesPerSecond();
        if (expectedBytes <= 0 || rate <= 0 || bytesRead >= expectedBytes) {
            return null;
        }
        return Duration.ofMillis((long) ((expectedBytes - bytesRead) / rate * 1000));
    }
}
