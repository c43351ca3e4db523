package dev.pgkeep.core.internal;

import dev.pgkeep.core.BackupManifest.TableRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a pg_dump custom-format archive as it streams past (push style, no copy of the data is kept) to learn what
 * it holds: the table of contents, the rows of every table (one COPY line per row) and whether the stream ended on
 * a block boundary with every announced data block present. This gives the manifest exact row counts taken from the
 * very snapshot pg_dump used, at the cost of one byte scan, and catches truncated archives.
 *
 * <p>Only uncompressed archives ({@code pg_dump -Fc -Z0}) carry readable rows; the layout follows
 * {@code pg_backup_archiver.c} and {@code pg_backup_custom.c} (archive versions 1.12 to 1.16, PostgreSQL 9.0 to 17+).
 * When anything does not parse, the inspector stops inspecting and reports {@link #parsed()} false; callers then
 * store no row counts rather than wrong ones.
 */
public final class ArchiveInspector {
    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    private static final int BLK_DATA = 1;
    private static final int BLK_BLOBS = 3;
    private static final byte[] COPY_END = "\\.\n\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER_BYTES = 256 * 1024 * 1024;

    private enum State {
        HEADER,
        BLOCK_TYPE,
        BLOCK_ID,
        CHUNK_LENGTH,
        CHUNK_DATA,
        BLOB_OID,
        FAILED
    }

    private record TocEntry(
            int dumpId,
            boolean hasData,
            String desc,
            @Nullable String namespace,
            @Nullable String tag) {}

    private State state = State.HEADER;
    private @Nullable String failure;
    private byte[] header = new byte[64 * 1024];
    private int headerLength;
    private int nextHeaderAttempt = 64 * 1024;

    private int archiveVersion;
    private int intSize;
    private int compression;
    private @Nullable String databaseName;
    private @Nullable String serverVersion;
    private @Nullable String dumpVersion;
    private final Map<Integer, TocEntry> toc = new HashMap<>();
    private final Map<Integer, long[]> rowsByDumpId = new HashMap<>();
    private int expectedDataBlocks;
    private int seenDataBlocks;

    private final byte[] intBuffer = new byte[9];
    private int intFill;
    private int blockType;
    private long @Nullable [] currentRows;
    private boolean inBlob;
    private long chunkRemaining;
    private final byte[] tail = new byte[COPY_END.length];
    private long bytesSeen;

    /** Feeds the next bytes of the archive. */
    public void update(byte[] data, int offset, int length) {
        bytesSeen += length;
        int pos = offset;
        int end = offset + length;
        while (pos < end && state != State.FAILED) {
            switch (state) {
                case HEADER -> {
                    pos = bufferHeader(data, pos, end);
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkRemaining, end - pos);
                    long[] rows = currentRows;
                    if (rows != null) {
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
                    pos += n;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.CHUNK_LENGTH;
                    }
                }
                case BLOCK_TYPE -> {
                    blockType = data[pos++] & 0xff;
                    if (blockType != BLK_DATA && blockType != BLK_BLOBS) {
                        fail("unknown block type " + blockType);
                    } else {
                        state = State.BLOCK_ID;
                        intFill = 0;
                    }
                }
                default -> pos = readIntByte(data, pos);
            }
        }
    }

    /** Signals the end of the stream (a small archive may not have been parsed yet). */
    public void finish() {
        if (state == State.HEADER && headerLength > 0) {
            nextHeaderAttempt = headerLength;
            tryParseHeader();
        }
    }

    private int readIntByte(byte[] data, int pos) {
        intBuffer[intFill++] = data[pos];
        if (intFill == intSize + 1) {
            intFill = 0;
            onInt(decodeInt(intBuffer, 0, intSize));
        }
        return pos + 1;
    }

    private void onInt(long value) {
        switch (state) {
            case BLOCK_ID -> {
                TocEntry entry = toc.get((int) value);
                if (entry == null || !entry.hasData()) {
                    fail("data block for unknown entry " + value);
                    return;
                }
                seenDataBlocks++;
                if (blockType == BLK_DATA) {
                    Arrays.fill(tail, (byte) 0);
                    currentRows = "TABLE DATA".equals(entry.desc())
                            ? rowsByDumpId.computeIfAbsent(entry.dumpId(), k -> new long[1])
                            : null;
                    state = State.CHUNK_LENGTH;
                } else {
                    currentRows = null;
                    state = State.BLOB_OID;
                }
            }
            case CHUNK_LENGTH -> {
                if (value < 0) {
                    fail("negative chunk length");
                } else if (value == 0) {
                    if (blockType == BLK_DATA) {
                        long[] rows = currentRows;
                        if (rows != null && Arrays.equals(tail, COPY_END)) {
                            rows[0] -= 3; // pg_dump ends COPY data with a "\." line and two empty lines: not rows
                        }
                        state = State.BLOCK_TYPE;
                    } else {
                        state = State.BLOB_OID; // end of one large object
                    }
                } else {
                    chunkRemaining = value;
                    state = State.CHUNK_DATA;
                }
            }
            case BLOB_OID -> state = value == 0 ? State.BLOCK_TYPE : State.CHUNK_LENGTH;
            default -> fail("unexpected integer in state " + state);
        }
    }

    private int bufferHeader(byte[] data, int pos, int end) {
        int n = end - pos;
        if (headerLength + n > header.length) {
            if (headerLength + n > MAX_HEADER_BYTES) {
                fail("table of contents larger than " + MAX_HEADER_BYTES + " bytes");
                return end;
            }
            byte[] bigger = new byte[Math.max(header.length * 2, headerLength + n)];
            System.arraycopy(header, 0, bigger, 0, headerLength);
            header = bigger;
        }
        System.arraycopy(data, pos, header, headerLength, n);
        headerLength += n;
        if (headerLength >= nextHeaderAttempt) {
            tryParseHeader();
        }
        return end;
    }

    /** Parses the header and table of contents if all of it has arrived; then replays the rest as data. */
    private void tryParseHeader() {
        HeaderReader reader = new HeaderReader(header, headerLength);
        try {
            parseHeaderAndToc(reader);
        } catch (NeedMoreBytes e) {
            nextHeaderAttempt = Math.max(nextHeaderAttempt * 2, headerLength + 1);
            return;
        } catch (RuntimeException e) {
            fail("unreadable header: " + e.getMessage());
            return;
        }
        byte[] rest = header;
        int restOffset = reader.pos;
        int restLength = headerLength - reader.pos;
        header = new byte[0];
        headerLength = 0;
        state = State.BLOCK_TYPE;
        long before = bytesSeen;
        update(rest, restOffset, restLength);
        bytesSeen = before;
    }

    private void parseHeaderAndToc(HeaderReader r) {
        for (byte b : MAGIC) {
            if (r.readByte() != b) {
                throw new IllegalStateException("not a pg_dump custom-format archive (no PGDMP magic)");
            }
        }
        int major = r.readByte();
        int minor = r.readByte();
        int rev = r.readByte();
        archiveVersion = (major << 16) | (minor << 8) | rev;
        if (major != 1 || minor < 12) {
            throw new IllegalStateException("unsupported archive version " + major + "." + minor);
        }
        intSize = r.readByte();
        r.intSize = intSize;
        int offSize = r.readByte();
        int format = r.readByte();
        if (format != 1) {
            throw new IllegalStateException("not the custom format (format " + format + ")");
        }
        if (minor >= 15) {
            compression = r.readByte();
        } else {
            compression = (int) r.readInt();
        }
        for (int i = 0; i < 7; i++) {
            r.readInt(); // creation time
        }
        databaseName = r.readStr();
        serverVersion = r.readStr();
        dumpVersion = r.readStr();
        long count = r.readInt();
        for (long i = 0; i < count; i++) {
            int dumpId = (int) r.readInt();
            boolean hasData = r.readInt() != 0;
            r.readStr(); // tableoid
            r.readStr(); // oid
            String tag = r.readStr();
            String desc = r.readStr();
            r.readInt(); // section
            r.readStr(); // defn
            r.readStr(); // dropStmt
            r.readStr(); // copyStmt
            String namespace = r.readStr();
            r.readStr(); // tablespace
            if (minor >= 14) {
                r.readStr(); // tableam
            }
            if (minor >= 16) {
                r.readInt(); // relkind
            }
            r.readStr(); // owner
            r.readStr(); // "false" (WITH OIDS)
            while (r.readStr() != null) {
                // dependencies, terminated by a null string
            }
            r.readByte(); // offset flag
            r.skip(offSize); // data offset
            toc.put(dumpId, new TocEntry(dumpId, hasData, desc == null ? "" : desc, namespace, tag));
            if (hasData) {
                expectedDataBlocks++;
            }
        }
    }

    private void fail(String reason) {
        if (state != State.FAILED) {
            failure = reason;
            state = State.FAILED;
            header = new byte[0];
        }
    }

    /** Whether the header and table of contents were read (only then are the other answers meaningful). */
    public boolean parsed() {
        return state != State.HEADER && state != State.FAILED;
    }

    /** Whether the bytes seen so far start like a pg_dump custom-format archive. */
    public boolean looksLikeArchive() {
        return parsed() || (headerLength >= MAGIC.length && startsWithMagic(header, headerLength));
    }

    /**
     * Whether the archive ended cleanly: on a block boundary, with a data block for every table of contents entry
     * that announced one. Only meaningful when {@link #parsed()}.
     */
    public boolean complete() {
        return state == State.BLOCK_TYPE && seenDataBlocks == expectedDataBlocks;
    }

    /** Why inspection stopped, or why the archive is incomplete; {@code null} when all is well. */
    public @Nullable String problem() {
        if (failure != null) {
            return failure;
        }
        if (state == State.HEADER) {
            return headerLength == 0 ? "the archive is empty" : "the archive ends inside its table of contents";
        }
        if (state != State.BLOCK_TYPE) {
            return "the archive ends in the middle of a data block";
        }
        if (seenDataBlocks != expectedDataBlocks) {
            return "the archive holds " + seenDataBlocks + " of " + expectedDataBlocks + " data blocks";
        }
        return null;
    }

    /** Whether the archive's data is uncompressed, so rows could be counted. */
    public boolean uncompressed() {
        return parsed() && compression == 0;
    }

    /** Rows per table, sorted by schema and name; {@code null} unless the archive parsed, is complete and uncompressed. */
    public @Nullable List<TableRows> tables() {
        if (!uncompressed() || !complete()) {
            return null;
        }
        List<TableRows> tables = new ArrayList<>();
        for (TocEntry entry : toc.values()) {
            if ("TABLE DATA".equals(entry.desc()) && entry.hasData()) {
                long[] rows = rowsByDumpId.get(entry.dumpId());
                tables.add(new TableRows(
                        entry.namespace() == null ? "" : entry.namespace(),
                        entry.tag() == null ? "" : entry.tag(),
                        rows == null ? 0 : rows[0]));
            }
        }
        tables.sort((a, b) -> a.schema().equals(b.schema())
                ? a.name().compareTo(b.name())
                : a.schema().compareTo(b.schema()));
        return tables;
    }

    /** Number of entries in the table of contents (what {@code pg_restore --list} lists). */
    public int tocEntries() {
        return toc.size();
    }

    public @Nullable String databaseName() {
        return databaseName;
    }

    public @Nullable String serverVersion() {
        return serverVersion;
    }

    public @Nullable String dumpVersion() {
        return dumpVersion;
    }

    public int archiveVersion() {
        return archiveVersion;
    }

    static boolean startsWithMagic(byte[] data, int length) {
        if (length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static long decodeInt(byte[] b, int offset, int size) {
        boolean negative = b[offset] != 0;
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) (b[offset + 1 + i] & 0xff) << (8 * i);
        }
        return negative ? -value : value;
    }

    private static final class NeedMoreBytes extends RuntimeException {
        NeedMoreBytes() {
            super(null, null, false, false);
        }
    }

    /** Sequential reads over the buffered header; running past the end means "wait for more bytes". */
    private static final class HeaderReader {
        private final byte[] data;
        private final int length;
        private int pos;
        private int intSize = 4;

        HeaderReader(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }

        int readByte() {
            if (pos >= length) {
                throw new NeedMoreBytes();
            }
            return data[pos++] & 0xff;
        }

        void skip(int n) {
            if (pos + n > length) {
                throw new NeedMoreBytes();
            }
            pos += n;
        }

        long readInt() {
            if (pos + 1 + intSize > length) {
                throw new NeedMoreBytes();
            }
            long v = decodeInt(data, pos, intSize);
            pos += 1 + intSize;
            return v;
        }

        @Nullable
        String readStr() {
            long len = readInt();
            if (len < 0) {
                return null;
            }
            if (len > Integer.MAX_VALUE) {
                throw new IllegalStateException("string too long");
            }
            if (pos + len > length) {
                throw new NeedMoreBytes();
            }
            String s = new String(data, pos, (int) len, StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }
    }
}
