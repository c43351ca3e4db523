package dev.pgkeep.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a custom-format archive's header and table of contents say, after {@code pg_backup_archiver.c}'s
 * {@code ReadHead}/{@code ReadToc} and {@code pg_backup_custom.c}'s {@code _ReadExtraToc}, for archive versions 1.12
 * to 1.16 (and of a directory-format archive's {@code toc.dat}, whose entries name their data files instead); built whole by one parse from the first byte, so a failed attempt leaves nothing behind.
 */
record ArchiveHeader(
        int archiveVersion,
        int intSize,
        int compression,
        @Nullable String databaseName,
        @Nullable String serverVersion,
        @Nullable String dumpVersion,
        Map<Integer, TocEntry> toc,
        int expectedDataBlocks,
        List<DatabaseEntry> databaseEntries,
        boolean notValidDomainConstraints) {
    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    static final int CUSTOM_FORMAT = 1;
    /**
     * A directory-format archive's {@code toc.dat} holds the same header and table of contents, with this format byte
     * (as pg_dump 13 to 18 write it) and each entry naming its data file.
     */
    static final int DIRECTORY_FORMAT = 3;

    record TocEntry(
            int dumpId,
            boolean hasData,
            String desc,
            @Nullable String namespace,
            @Nullable String tag) {}

    /**
     * A table of contents entry about the database itself, which pg_restore applies only with {@code --create}: the
     * {@code DATABASE} entry (its {@code CREATE DATABASE}), {@code DATABASE PROPERTIES} (settings) and the comment
     * and privileges of the database.
     */
    record DatabaseEntry(
            String desc,
            @Nullable String tag,
            String defn,
            @Nullable String owner) {}

    /** Parses the header and table of contents from their first byte; throws when more bytes are needed. */
    static ArchiveHeader parse(Reader r) {
        for (byte b : MAGIC) {
            if (r.readByte() != b) {
                throw new UnexpectedArchive("no PGDMP magic");
            }
        }
        int major = r.readByte();
        int minor = r.readByte();
        int rev = r.readByte();
        if (major != 1 || minor < ArchiveInspector.OLDEST_MINOR || minor > ArchiveInspector.NEWEST_MINOR) {
            throw new UnexpectedArchive("archive version " + major + "." + minor + "." + rev
                    + ", which this pgkeep does not know (it reads 1." + ArchiveInspector.OLDEST_MINOR + " to 1."
                    + ArchiveInspector.NEWEST_MINOR + ")");
        }
        int intSize = r.readByte();
        int offSize = r.readByte();
        if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
            throw new UnexpectedArchive(
                    "integer size " + intSize + " and offset size " + offSize + " (this pgkeep reads 1 to 8 bytes)");
        }
        r.intSize = intSize;
        int format = r.readByte();
        if (format != CUSTOM_FORMAT && format != DIRECTORY_FORMAT) {
            throw new UnexpectedArchive("archive format " + format + ", not the custom format (1)");
        }
        int compression = minor >= 15 ? r.readByte() : (int) r.readInt();
        for (int i = 0; i < 7; i++) {
            r.readInt(); // creation time
        }
        String databaseName = r.readStr();
        String serverVersion = r.readStr();
        String dumpVersion = r.readStr();
        long count = r.readInt();
        if (count < 0) {
            throw new UnexpectedArchive("a negative table of contents count " + count);
        }
        Map<Integer, TocEntry> toc = new HashMap<>();
        int expectedDataBlocks = 0;
        List<DatabaseEntry> databaseEntries = new ArrayList<>();
        boolean notValidDomainConstraints = false;
        for (long i = 0; i < count; i++) {
            long dumpId = r.readInt();
            boolean hasData = r.readInt() != 0;
            r.readStr(); // tableoid
            r.readStr(); // oid
            String tag = r.readStr();
            String desc = r.readStr();
            r.readInt(); // section
            String defn = r.readStr();
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
            String owner = r.readStr();
            r.readStr(); // "false" (WITH OIDS)
            while (r.readStr() != null) {
                // dependencies, terminated by a null string
            }
            if (format == DIRECTORY_FORMAT) {
                r.readStr(); // the data file's name (pg_backup_directory.c, _WriteExtraToc)
            } else {
                r.readByte(); // data state (pg_backup_custom.c, _WriteExtraToc)
                r.skip(offSize); // data offset
            }
            if (dumpId <= 0 || dumpId > Integer.MAX_VALUE) {
                throw new UnexpectedArchive("table of contents entry id " + dumpId);
            }
            if (toc.put((int) dumpId, new TocEntry((int) dumpId, hasData, desc == null ? "" : desc, namespace, tag))
                    != null) {
                throw new UnexpectedArchive("table of contents entry " + dumpId + " twice");
            }
            if (hasData) {
                expectedDataBlocks++;
            }
            if (defn != null && isAboutTheDatabase(desc, tag)) {
                databaseEntries.add(new DatabaseEntry(desc, tag, defn, owner));
            }
            notValidDomainConstraints |= "CHECK CONSTRAINT".equals(desc)
                    && defn != null
                    && defn.startsWith("ALTER DOMAIN ")
                    && defn.contains(" NOT VALID");
        }
        return new ArchiveHeader(
                (major << 16) | (minor << 8) | rev,
                intSize,
                compression,
                databaseName,
                serverVersion,
                dumpVersion,
                toc,
                expectedDataBlocks,
                List.copyOf(databaseEntries),
                notValidDomainConstraints);
    }

    private static boolean isAboutTheDatabase(@Nullable String desc, @Nullable String tag) {
        if ("DATABASE".equals(desc) || "DATABASE PROPERTIES".equals(desc)) {
            return true;
        }
        return ("COMMENT".equals(desc) || "ACL".equals(desc)) && tag != null && tag.startsWith("DATABASE ");
    }

    static long decodeInt(byte[] b, int offset, int size) {
        boolean negative = b[offset] != 0;
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) (b[offset + 1 + i] & 0xff) << (8 * i);
        }
        return negative ? -value : value;
    }

    /** The header bytes so far end before the table of contents does. */
    static final class NeedMoreBytes extends RuntimeException {
        NeedMoreBytes() {
            super(null, null, false, false);
        }
    }

    /** The header says something this inspector does not understand. */
    static final class UnexpectedArchive extends RuntimeException {
        UnexpectedArchive(String message) {
            super(message, null, false, false);
        }
    }

    /** Sequential reads over the buffered header; running past the end means "wait for more bytes". */
    static final class Reader {
        private final byte[] data;
        private final int length;
        private int pos;
        private int intSize = 4;

        Reader(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }

        int position() {
            return pos;
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
            if (len > length - pos) {
                if (len > ArchiveInspector.MAX_HEADER_BYTES) {
                    throw new UnexpectedArchive("a string of " + len + " bytes in the table of contents");
                }
                throw new NeedMoreBytes();
            }
            String s = new String(data, pos, (int) len, StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }
    }
}
