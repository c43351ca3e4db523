package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BackupManifest.TableRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads a pg_dump custom-format archive as it streams past (push style, no copy of the data is kept) to learn what
 * it holds: the table of contents, the rows of every table (one COPY line per row) and whether the stream ended on
 * a block boundary with every announced data block present. This gives the manifest exact row counts taken from the
 * very snapshot pg_dump used, at the cost of one byte scan, and catches truncated archives.
 *
 * <p>The layout follows {@code pg_backup_archiver.c} and {@code pg_backup_custom.c} for archive versions 1.12 to 1.16
 * (pg_dump 9.0 to 18). The inspector is an extra check, never the authority: its {@link #verdict()} is
 * {@link Verdict#DAMAGED} only when the bytes prove that part of the archive is missing, and
 * {@link Verdict#UNREADABLE} whenever the archive is something it does not fully understand (a newer archive
 * version, a field or a count it does not expect); callers then store no row counts and let {@code pg_restore} judge
 * the archive. No input makes it throw.
 */
public final class ArchiveInspector {
    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    /** Archive versions this inspector knows the layout of: 1.12 (pg_dump 9.0) to 1.16 (pg_dump 17 and 18). */
    static final int OLDEST_MINOR = 12;

    static final int NEWEST_MINOR = 16;
    private static final int BLK_DATA = 1;
    private static final int BLK_BLOBS = 3;
    /** Bytes of header and table of contents held in memory at most; a larger catalog is left to pg_restore. */
    static final int MAX_HEADER_BYTES = 256 * 1024 * 1024;

    /** What the bytes seen say about the archive. */
    public enum Verdict {
        /** Every table of contents entry that announced data has its block, and the stream ended on a boundary. */
        COMPLETE,
        /** Provably incomplete or not an archive at all: empty, no PGDMP magic, or cut inside a data block. */
        DAMAGED,
        /** Beyond what the inspector understands; it says nothing either way (see {@link #problem()}). */
        UNREADABLE
    }

    private enum State {
        HEADER,
        BLOCK_TYPE,
        BLOCK_ID,
        CHUNK_LENGTH,
        CHUNK_DATA,
        BLOB_OID,
        GAVE_UP
    }

    private State state = State.HEADER;
    private @Nullable String gaveUpBecause;
    private final HeaderBuffer buffer = new HeaderBuffer();
    private @Nullable ArchiveHeader header;
    private byte @Nullable [] unparsedHeader;

    private final CopyRowCounter rows = new CopyRowCounter();
    private int seenDataBlocks;
    private @Nullable String currentTable;

    private final byte[] intBuffer = new byte[9];
    private int intFill;
    private int intSize;
    private int blockType;
    private long chunkRemaining;

    /** Feeds the next bytes of the archive. */
    public void update(byte[] data, int offset, int length) {
        try {
            consume(data, offset, length);
        } catch (RuntimeException e) {
            // a limitation of the inspector must never fail the stream it watches
            giveUp("inspector error " + e);
        }
    }

    private void consume(byte[] data, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end && state != State.GAVE_UP) {
            switch (state) {
                case HEADER -> pos = bufferHeader(data, pos, end);
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkRemaining, end - pos);
                    rows.count(data, pos, n);
                    pos += n;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.CHUNK_LENGTH;
                    }
                }
                case BLOCK_TYPE -> {
                    blockType = data[pos++] & 0xff;
                    if (blockType != BLK_DATA && blockType != BLK_BLOBS) {
                        giveUp("unknown block type " + blockType);
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
        try {
            if (state == State.HEADER && buffer.length() > 0) {
                if (buffer.startsWithMagic()) {
                    tryParseHeader(true);
                } else {
                    state = State.GAVE_UP; // a few bytes, not an archive
                    buffer.clear();
                }
            }
        } catch (RuntimeException e) {
            giveUp("inspector error " + e);
        }
    }

    private int readIntByte(byte[] data, int pos) {
        intBuffer[intFill++] = data[pos];
        if (intFill == intSize + 1) {
            intFill = 0;
            onInt(ArchiveHeader.decodeInt(intBuffer, 0, intSize));
        }
        return pos + 1;
    }

    private void onInt(long value) {
        ArchiveHeader h = header;
        switch (state) {
            case BLOCK_ID -> {
                ArchiveHeader.TocEntry entry = h == null ? null : h.toc().get((int) value);
                if (entry == null || !entry.hasData()) {
                    giveUp("a data block for table of contents entry " + value + ", which announced none");
                    return;
                }
                seenDataBlocks++;
                currentTable = blockType != BLK_DATA
                        ? "large objects"
                        : entry.namespace() == null ? entry.tag() : entry.namespace() + "." + entry.tag();
                if (blockType == BLK_DATA) {
                    rows.startBlock("TABLE DATA".equals(entry.desc()) && h.compression() == 0 ? entry.dumpId() : null);
                    state = State.CHUNK_LENGTH;
                } else {
                    rows.startBlock(null);
                    state = State.BLOB_OID;
                }
            }
            case CHUNK_LENGTH -> {
                if (value < 0) {
                    giveUp("a negative chunk length");
                } else if (value == 0) {
                    if (blockType == BLK_DATA) {
                        rows.endBlock();
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
            default -> giveUp("an integer in state " + state);
        }
    }

    private int bufferHeader(byte[] data, int pos, int end) {
        if (!buffer.append(data, pos, end - pos)) {
            giveUp("a table of contents larger than " + MAX_HEADER_BYTES + " bytes");
            unparsedHeader = null; // it lacks this chunk, and is too large to hand on anyway
            return end;
        }
        if (buffer.length() >= MAGIC.length && !buffer.startsWithMagic()) {
            state = State.GAVE_UP; // not an archive: verdict() says DAMAGED, nothing more to read
            buffer.clear();
            return end;
        }
        if (buffer.dueForAttempt()) {
            tryParseHeader(false);
        }
        return end;
    }

    /** Parses the header and table of contents if all of it has arrived, then replays the bytes after it as data. */
    private void tryParseHeader(boolean atEnd) {
        HeaderBuffer.Attempt attempt = buffer.attempt();
        if (attempt instanceof HeaderBuffer.Parsed parsed) {
            header = parsed.header();
            intSize = parsed.header().intSize();
            state = State.BLOCK_TYPE;
            consume(parsed.rest(), parsed.offset(), parsed.length());
        } else if (attempt instanceof HeaderBuffer.Unexpected unexpected) {
            giveUp(unexpected.reason());
        } else if (atEnd) {
            giveUp("the archive ends inside its table of contents");
        }
    }

    private void giveUp(@Nullable String reason) {
        if (state != State.GAVE_UP) {
            gaveUpBecause = reason;
            if (state == State.HEADER) {
                unparsedHeader = buffer.copy();
            }
            state = State.GAVE_UP;
            buffer.clear();
        }
    }

    /**
     * When the inspector gave up before it understood the header, every byte seen so far (once; later calls answer
     * {@code null}), so that another reader can still be given the whole archive; else {@code null}.
     */
    byte @Nullable [] takeUnparsedHeader() {
        byte[] bytes = unparsedHeader;
        unparsedHeader = null;
        return bytes;
    }

    /** What the bytes seen say; meaningful after {@link #finish()}. */
    public Verdict verdict() {
        if (state == State.HEADER) {
            return buffer.length() == 0 ? Verdict.DAMAGED : Verdict.UNREADABLE;
        }
        if (state == State.GAVE_UP) {
            return gaveUpBecause == null ? Verdict.DAMAGED : Verdict.UNREADABLE;
        }
        if (state != State.BLOCK_TYPE) {
            return Verdict.DAMAGED; // cut inside a data block of an archive version whose blocks it knows
        }
        return seenDataBlocks == expectedDataBlocks() ? Verdict.COMPLETE : Verdict.UNREADABLE;
    }

    /** Whether the archive ended cleanly with every data block present. */
    public boolean complete() {
        return verdict() == Verdict.COMPLETE;
    }

    /** Whether the inspector stopped reading (not an archive, or one it does not understand). */
    boolean gaveUp() {
        return state == State.GAVE_UP;
    }

    /** Whether the header and table of contents were read. */
    public boolean parsed() {
        return header != null;
    }

    /** Whether the bytes seen so far start like a pg_dump custom-format archive. */
    public boolean looksLikeArchive() {
        return header != null
                || (buffer.length() >= MAGIC.length && buffer.startsWithMagic())
                || (state == State.GAVE_UP && gaveUpBecause != null);
    }

    /** Why the archive is not {@link Verdict#COMPLETE}; {@code null} when it is. */
    public @Nullable String problem() {
        if (state == State.HEADER) {
            return buffer.length() == 0 ? "the archive is empty" : "the stream ended before the table of contents did";
        }
        if (state == State.GAVE_UP) {
            return gaveUpBecause == null ? "it is not a pg_dump custom-format archive (no PGDMP magic)" : gaveUpBecause;
        }
        if (state != State.BLOCK_TYPE) {
            return "the archive ends in the middle of a data block";
        }
        if (seenDataBlocks != expectedDataBlocks()) {
            return "the archive holds " + seenDataBlocks + " of " + expectedDataBlocks() + " data blocks";
        }
        return null;
    }

    private int expectedDataBlocks() {
        ArchiveHeader h = header;
        return h == null ? 0 : h.expectedDataBlocks();
    }

    /** Whether the archive's data is uncompressed, so rows could be counted. */
    public boolean uncompressed() {
        ArchiveHeader h = header;
        return h != null && h.compression() == 0;
    }

    /** Rows per table, sorted by schema and name; {@code null} unless the archive is complete and uncompressed. */
    /** The table (or {@code large objects}) whose data block streams past now; null before the first block. */
    public @Nullable String currentTable() {
        return currentTable;
    }

    public @Nullable List<TableRows> tables() {
        ArchiveHeader h = header;
        if (h == null || !uncompressed() || !complete()) {
            return null;
        }
        List<TableRows> tables = new ArrayList<>();
        for (ArchiveHeader.TocEntry entry : h.toc().values()) {
            if ("TABLE DATA".equals(entry.desc()) && entry.hasData()) {
                tables.add(new TableRows(
                        entry.namespace() == null ? "" : entry.namespace(),
                        entry.tag() == null ? "" : entry.tag(),
                        rows.of(entry.dumpId())));
            }
        }
        sortByName(tables);
        return tables;
    }

    /** Sorts row counts by schema, then table name, as manifests record them. */
    static void sortByName(List<TableRows> tables) {
        tables.sort((a, b) -> a.schema().equals(b.schema())
                ? a.name().compareTo(b.name())
                : a.schema().compareTo(b.schema()));
    }

    /** The entries about the database itself (see {@link DatabaseEntry}); empty before the header is read. */
    List<ArchiveHeader.DatabaseEntry> databaseEntries() {
        ArchiveHeader h = header;
        return h == null ? List.of() : h.databaseEntries();
    }

    /**
     * Whether the archive adds a domain's {@code NOT VALID} check constraint after the data: {@code pg_restore --jobs}
     * (15 to 18) may add it before the data of the tables using the domain is loaded, and rows that violate it then
     * fail the restore.
     */
    boolean notValidDomainConstraints() {
        ArchiveHeader h = header;
        return h != null && h.notValidDomainConstraints();
    }

    /** Number of entries in the table of contents (what {@code pg_restore --list} lists). */
    public int tocEntries() {
        ArchiveHeader h = header;
        return h == null ? 0 : h.toc().size();
    }

    public @Nullable String databaseName() {
        ArchiveHeader h = header;
        return h == null ? null : h.databaseName();
    }

    public @Nullable String serverVersion() {
        ArchiveHeader h = header;
        return h == null ? null : h.serverVersion();
    }

    public @Nullable String dumpVersion() {
        ArchiveHeader h = header;
        return h == null ? null : h.dumpVersion();
    }

    /** {@code (major << 16) | (minor << 8) | revision}, e.g. {@code 0x010e00} for 1.14; 0 before the header. */
    public int archiveVersion() {
        ArchiveHeader h = header;
        return h == null ? 0 : h.archiveVersion();
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
}
