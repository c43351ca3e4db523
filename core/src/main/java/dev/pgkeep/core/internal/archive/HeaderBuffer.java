package dev.pgkeep.core.internal.archive;

import java.util.Arrays;

/**
 * The archive's first bytes, held until its header and table of contents parse. A parse is tried at 64 KiB and again
 * each time the buffer doubles, which keeps the re-parses of a large table of contents linear in its size overall.
 */
final class HeaderBuffer {
    private static final int FIRST_ATTEMPT = 64 * 1024;

    /** The outcome of one parse attempt. */
    sealed interface Attempt {}

    /** Not all of the table of contents has arrived. */
    record NeedMore() implements Attempt {}

    /** The header says something the parser does not understand. */
    record Unexpected(String reason) implements Attempt {}

    /** Parsed; the archive's data starts at {@code rest[offset]}. */
    record Parsed(ArchiveHeader header, byte[] rest, int offset, int length) implements Attempt {}

    private byte[] bytes = new byte[FIRST_ATTEMPT];
    private int length;
    private int nextAttempt = FIRST_ATTEMPT;

    int length() {
        return length;
    }

    /** Whether the bytes so far start with PGDMP. */
    boolean startsWithMagic() {
        return ArchiveInspector.startsWithMagic(bytes, length);
    }

    /** Appends {@code n} bytes; false (and nothing appended) when the buffer would exceed its bound. */
    boolean append(byte[] data, int pos, int n) {
        if ((long) length + n > ArchiveInspector.MAX_HEADER_BYTES) {
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int)
                    Math.min(ArchiveInspector.MAX_HEADER_BYTES, Math.max(bytes.length * 2L, (long) length + n)));
        }
        System.arraycopy(data, pos, bytes, length, n);
        length += n;
        return true;
    }

    /** Whether enough has arrived since the last attempt to try again. */
    boolean dueForAttempt() {
        return length >= nextAttempt;
    }

    /** Parses from the first byte; a failed attempt leaves nothing behind but a later next attempt. */
    Attempt attempt() {
        ArchiveHeader.Reader reader = new ArchiveHeader.Reader(bytes, length);
        try {
            ArchiveHeader header = ArchiveHeader.parse(reader);
            Parsed parsed = new Parsed(header, bytes, reader.position(), length - reader.position());
            clear();
            return parsed;
        } catch (ArchiveHeader.NeedMoreBytes e) {
            nextAttempt =
                    (int) Math.min(ArchiveInspector.MAX_HEADER_BYTES, Math.max(nextAttempt * 2L, (long) length + 1));
            return new NeedMore();
        } catch (ArchiveHeader.UnexpectedArchive e) {
            return new Unexpected(String.valueOf(e.getMessage()));
        }
    }

    /** Every byte held, as a copy. */
    byte[] copy() {
        return Arrays.copyOf(bytes, length);
    }

    void clear() {
        bytes = new byte[0];
        length = 0;
    }
}
