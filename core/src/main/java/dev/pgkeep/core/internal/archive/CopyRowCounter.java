package dev.pgkeep.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Counts the rows of uncompressed TABLE DATA blocks: one COPY line per row, minus the {@code \.} line and the two empty
 * lines pg_dump ends COPY data with. Fed the blocks' bytes as they stream past, in chunks of any size.
 */
final class CopyRowCounter {
    private static final byte[] COPY_END = "\\.\n\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, long[]> rowsByDumpId = new HashMap<>();
    private final byte[] tail = new byte[COPY_END.length];
    private long @Nullable [] current;

    /** A data block begins: of table {@code dumpId}, or of something whose rows are not counted ({@code null}). */
    void startBlock(@Nullable Integer dumpId) {
        Arrays.fill(tail, (byte) 0);
        current = dumpId == null ? null : rowsByDumpId.computeIfAbsent(dumpId, k -> new long[1]);
    }

    /** The next bytes of the current block's data. */
    void count(byte[] data, int pos, int n) {
        long[] rows = current;
        if (rows == null) {
            return;
        }
        long lines = 0;
        for (int i = pos; i < pos + n; i++) {
            if (data[i] == '\n') {
                lines++;
            }
        }
        rows[0] += lines;
        for (int i = Math.max(pos, pos + n - COPY_END.length); i < pos + n; i++) {
            System.arraycopy(tail, 1, tail, 0, tail.length - 1);
            tail[tail.length - 1] = data[i];
        }
    }

    /** The current block ended; whether it ended as COPY data does (with {@code \.} and two empty lines). */
    boolean endBlock() {
        long[] rows = current;
        boolean ended = Arrays.equals(tail, COPY_END);
        if (rows != null && ended) {
            rows[0] -= 3;
        }
        current = null;
        return ended;
    }

    /** Rows counted for table {@code dumpId}. */
    long of(int dumpId) {
        long[] rows = rowsByDumpId.get(dumpId);
        return rows == null ? 0 : rows[0];
    }
}
