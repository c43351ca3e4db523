package dev.pgkeep.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.internal.archive.ArchiveInspector.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Headers no pg_dump writes: the inspector says so (UNREADABLE or DAMAGED) and never throws or overflows. */
class ArchiveInspectorHostileInputTest {
    /** The start of a custom-format header: magic, version 1.minor.0, intSize, offSize, format 1. */
    private static ByteArrayOutputStream header(int minor, int intSize, int offSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(minor);
        out.write(0);
        out.write(intSize);
        out.write(offSize);
        out.write(1);
        return out;
    }

    /** An int as pg_dump writes it: a sign byte, then {@code size} little-endian bytes. */
    private static void writeInt(ByteArrayOutputStream out, long value, int size) {
        out.write(value < 0 ? 1 : 0);
        long v = Math.abs(value);
        for (int i = 0; i < size; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static ArchiveInspector inspect(byte[] bytes, int chunk) {
        ArchiveInspector inspector = new ArchiveInspector();
        for (int i = 0; i < bytes.length; i += chunk) {
            inspector.update(bytes, i, Math.min(chunk, bytes.length - i));
        }
        inspector.finish();
        return inspector;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, 32, 200, 255})
    void integerSizesNoPgDumpWritesAreUnreadableNotACrash(int intSize) {
        ByteArrayOutputStream out = header(14, intSize, 8);
        out.writeBytes(new byte[4096]);
        ArchiveInspector inspector = inspect(out.toByteArray(), 1);
        assertThat(inspector.verdict()).isEqualTo(Verdict.UNREADABLE);
        assertThat(inspector.problem()).contains("integer size " + intSize);
        assertThat(inspector.tables()).isNull();
    }

    @Test
    void aNewerArchiveVersionIsUnreadableAndItsBytesAreHandedOn() {
        ByteArrayOutputStream out = header(17, 4, 8);
        out.writeBytes(new byte[100]);
        byte[] bytes = out.toByteArray();
        ArchiveInspector inspector = inspect(bytes, 7);
        assertThat(inspector.verdict()).isEqualTo(Verdict.UNREADABLE);
        assertThat(inspector.problem()).contains("archive version 1.17.0");
        assertThat(inspector.takeUnparsedHeader()).isEqualTo(bytes);
        assertThat(inspector.takeUnparsedHeader()).isNull();
    }

    @Test
    void aHugeTableOfContentsCountWithNothingBehindItEndsUnreadable() {
        ByteArrayOutputStream out = header(14, 4, 8);
        writeInt(out, 0, 4); // compression
        for (int i = 0; i < 7; i++) {
            writeInt(out, 1, 4); // creation time
        }
        for (int i = 0; i < 3; i++) {
            writeInt(out, -1, 4); // database name, server and dump version: null strings
        }
        writeInt(out, Integer.MAX_VALUE, 4); // entries
        ArchiveInspector inspector = inspect(out.toByteArray(), 3);
        assertThat(inspector.verdict()).isEqualTo(Verdict.UNREADABLE);
        assertThat(inspector.problem()).contains("ends inside its table of contents");
    }

    @Test
    void aStringLongerThanAnyTableOfContentsIsUnreadableAtOnce() {
        ByteArrayOutputStream out = header(14, 8, 8);
        writeInt(out, 0, 8);
        for (int i = 0; i < 7; i++) {
            writeInt(out, 1, 8);
        }
        writeInt(out, Long.MAX_VALUE / 2, 8); // database name length
        out.writeBytes(new byte[70 * 1024]);
        ArchiveInspector inspector = inspect(out.toByteArray(), 4096);
        assertThat(inspector.verdict()).isEqualTo(Verdict.UNREADABLE);
        assertThat(inspector.problem()).contains("a string of");
    }

    @Test
    void notAnArchiveAndEmptyAreDamaged() {
        assertThat(inspect(new byte[0], 1).verdict()).isEqualTo(Verdict.DAMAGED);
        assertThat(inspect("PGD".getBytes(StandardCharsets.US_ASCII), 1).verdict())
                .isEqualTo(Verdict.DAMAGED);
        ArchiveInspector html = inspect("<html>not a dump</html>".getBytes(StandardCharsets.US_ASCII), 5);
        assertThat(html.verdict()).isEqualTo(Verdict.DAMAGED);
        assertThat(html.looksLikeArchive()).isFalse();
    }

    @Test
    void randomBytesBehindAValidStartNeverThrowAndNeverCountRows() {
        Random random = new Random(42);
        for (int run = 0; run < 2_000; run++) {
            ByteArrayOutputStream out = header(12 + random.nextInt(5), 4, 8);
            byte[] noise = new byte[random.nextInt(2_000)];
            random.nextBytes(noise);
            out.writeBytes(noise);
            ArchiveInspector inspector = inspect(out.toByteArray(), 1 + random.nextInt(64));
            assertThat(inspector.verdict()).isNotEqualTo(Verdict.COMPLETE);
            assertThat(inspector.tables()).isNull();
        }
    }
}
