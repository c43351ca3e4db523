package dev.pgkeep.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.ArchiveFormat;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecAndFormatTest {
    static byte[] sample() {
        byte[] data = new byte[300_000];
        Random random = new Random(7);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + random.nextInt(6)); // compressible, like COPY text
        }
        return data;
    }

    static byte[] compress(Codec codec, byte[] data) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(sink)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gzip", "none"})
    void roundTripsAndIsRecognizedByItsMagicBytes(String name) throws IOException {
        Codec codec = Codec.of(name, null);
        byte[] data = sample();
        byte[] packed = compress(codec, data);
        try (InputStream in = codec.decompress(new ByteArrayInputStream(packed))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        if (!name.equals("none")) {
            assertThat(packed.length).isLessThan(data.length / 2);
            assertThat(ArchiveFormat.detect(packed, packed.length))
                    .contains(name.equals("zstd") ? ArchiveFormat.ZSTD : ArchiveFormat.GZIP);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gzip"})
    void aTruncatedStreamIsAnErrorNotAShortRead(String name) throws IOException {
        Codec codec = Codec.of(name, null);
        byte[] packed = compress(codec, sample());
        byte[] cut = Arrays.copyOf(packed, packed.length - 10);
        assertThatThrownBy(() -> {
                    try (InputStream in = codec.decompress(new ByteArrayInputStream(cut))) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void zstdFramesCarryAChecksumThatCatchesAFlippedByte() throws IOException {
        Codec codec = Codec.zstd(3);
        byte[] packed = compress(codec, sample());
        packed[packed.length - 2] ^= 0x01; // inside the frame's content checksum
        assertThatThrownBy(() -> {
                    try (InputStream in = codec.decompress(new ByteArrayInputStream(packed))) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void unknownCodecsAndLevelsAreRejectedClearly() {
        assertThatThrownBy(() -> Codec.of("lz4", null))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("zstd (default), gzip or none");
        assertThatThrownBy(() -> Codec.zstd(0)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> Codec.gzip(10)).isInstanceOf(BadInputException.class);
    }

    @Test
    void detectsArchivesAndOpenPgpAndNothingElse() {
        byte[] pgdmp = "PGDMP\u0001\u000e\u0000".getBytes();
        assertThat(ArchiveFormat.detect(pgdmp, pgdmp.length)).contains(ArchiveFormat.PG_CUSTOM);
        byte[] pkesk = {(byte) 0x85, 0x01, 0x0c}; // old-format packet, tag 1
        assertThat(ArchiveFormat.detect(pkesk, pkesk.length)).contains(ArchiveFormat.OPENPGP);
        byte[] newPkesk = {(byte) 0xc1, 0x10};
        assertThat(ArchiveFormat.detect(newPkesk, newPkesk.length)).contains(ArchiveFormat.OPENPGP);
        byte[] text = "-- PostgreSQL database dump".getBytes();
        assertThat(ArchiveFormat.detect(text, text.length)).isEmpty();
        assertThat(ArchiveFormat.detect(new byte[0], 0)).isEmpty();
    }
}
