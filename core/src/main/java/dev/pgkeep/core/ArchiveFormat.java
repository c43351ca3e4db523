package dev.pgkeep.core;

import java.util.Arrays;
import java.util.Optional;

/** The layers of an archive file, told apart by their magic bytes (the same detection as HTTP uploads). */
public enum ArchiveFormat {
    /** A pg_dump custom-format archive: {@code PGDMP}. */
    PG_CUSTOM,
    /** gzip: {@code 1f 8b}. */
    GZIP,
    /** zstd frame: {@code 28 b5 2f fd}. */
    ZSTD,
    /** OpenPGP binary packet (public-key encrypted session key, tag 1, old or new format) or ASCII armor. */
    OPENPGP;

    /** The outermost layer of a file starting with {@code head}, if pgkeep can read it. */
    public static Optional<ArchiveFormat> detect(byte[] head, int length) {
        byte[] h = Arrays.copyOf(head, Math.max(length, 0));
        if (h.length >= 5 && h[0] == 'P' && h[1] == 'G' && h[2] == 'D' && h[3] == 'M' && h[4] == 'P') {
            return Optional.of(PG_CUSTOM);
        }
        Optional<StandardCodec> codec = StandardCodec.detect(h, h.length);
        if (codec.isPresent()) {
            return Optional.of(codec.get() == StandardCodec.GZIP ? GZIP : ZSTD);
        }
        if (h.length >= 1) {
            int b = h[0] & 0xff;
            boolean oldFormatPkesk = (b & 0xc0) == 0x80 && ((b >> 2) & 0x0f) == 1;
            boolean newFormatPkesk = b == 0xc1;
            boolean oldFormatSkesk = (b & 0xc0) == 0x80 && ((b >> 2) & 0x0f) == 3;
            boolean newFormatSkesk = b == 0xc3;
            if (oldFormatPkesk || newFormatPkesk || oldFormatSkesk || newFormatSkesk) {
                return Optional.of(OPENPGP);
            }
        }
        if (h.length >= 27
                && new String(h, 0, 27, java.nio.charset.StandardCharsets.US_ASCII)
                        .equals("-----BEGIN PGP MESSAGE-----")) {
            return Optional.of(OPENPGP);
        }
        return Optional.empty();
    }
}
