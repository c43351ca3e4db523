package dev.pgkeep.core.internal.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small pg_dump custom-format archive (version 1.14, as pg_dump 13 to 15 write it to a pipe), built byte by byte
 * after pg_backup_archiver.c's WriteHead/WriteToc and pg_backup_custom.c's blocks: one TABLE DATA entry and block per
 * table, each holding its rows as COPY text.
 */
final class TestArchive {
    private final Map<String, Integer> rowsByTable = new LinkedHashMap<>();

    TestArchive table(String name, int rows) {
        rowsByTable.put(name, rows);
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(14);
        out.write(0);
        out.write(4); // intSize
        out.write(8); // offSize
        out.write(1); // custom format
        writeInt(out, 0); // compression level: none
        for (int i = 0; i < 7; i++) {
            writeInt(out, 1); // creation time
        }
        writeStr(out, "app");
        writeStr(out, "15.4");
        writeStr(out, "15.4");
        writeInt(out, rowsByTable.size());
        int id = 1;
        for (String table : rowsByTable.keySet()) {
            writeInt(out, id++);
            writeInt(out, 1); // has data
            writeStr(out, "0");
            writeStr(out, "0");
            writeStr(out, table);
            writeStr(out, "TABLE DATA");
            writeInt(out, 3); // SECTION_DATA
            writeStr(out, "");
            writeStr(out, "");
            writeStr(out, "COPY public." + table + " (n) FROM stdin;\n");
            writeStr(out, "public");
            writeStr(out, "");
            writeStr(out, "");
            writeStr(out, "app");
            writeStr(out, "false");
            writeStr(out, null); // no dependencies
            out.write(1); // K_OFFSET_POS_NOT_SET
            out.writeBytes(new byte[8]);
        }
        id = 1;
        for (int rows : rowsByTable.values()) {
            out.write(1); // BLK_DATA
            writeInt(out, id++);
            StringBuilder copy = new StringBuilder();
            for (int r = 0; r < rows; r++) {
                copy.append(r).append('\n');
            }
            copy.append("\\.\n\n\n");
            byte[] data = copy.toString().getBytes(StandardCharsets.UTF_8);
            writeInt(out, data.length);
            out.writeBytes(data);
            writeInt(out, 0);
        }
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, long value) {
        out.write(value < 0 ? 1 : 0);
        long v = Math.abs(value);
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void writeStr(ByteArrayOutputStream out, String value) {
        if (value == null) {
            writeInt(out, -1);
            return;
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        writeInt(out, b.length);
        out.writeBytes(b);
    }
}
