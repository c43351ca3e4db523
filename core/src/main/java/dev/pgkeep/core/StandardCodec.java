package dev.pgkeep.core;

import dev.pgkeep.core.internal.codec.GzipCodec;
import dev.pgkeep.core.internal.codec.NoCodec;
import dev.pgkeep.core.internal.codec.ZstdCodec;
import dev.pgkeep.core.spi.Codec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The codecs pgkeep ships, listed once: name (as the manifest stores it), file suffix, default level and the magic
 * bytes a compressed stream starts with. Backups, format detection and the unwrapping of archive files all look
 * codecs up here.
 */
public enum StandardCodec {
    /**
     * zstd, the default. Level 2 by measurement on both benchmark datasets (docs/performance.md, "The zstd default
     * level"): it is the lowest level that stores no more than {@code pg_dump -Fc} on either (level 1 and the fast
     * levels store more), at 15-20 % more CPU than level 1; level 3 saves under 0.5 % for 1.7 times the CPU.
     */
    ZSTD("zstd", ".zst", 2, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, ZstdCodec::new),
    /** gzip, at gzip's own default level. */
    GZIP("gzip", ".gz", 6, new byte[] {0x1f, (byte) 0x8b}, GzipCodec::new),
    /** No compression. */
    NONE("none", "", 0, new byte[0], level -> NoCodec.INSTANCE);

    private final String codecName;
    private final String fileSuffix;
    private final int defaultLevel;
    private final byte[] magic;
    private final IntFunction<Codec> factory;

    StandardCodec(String name, String fileSuffix, int defaultLevel, byte[] magic, IntFunction<Codec> factory) {
        this.codecName = name;
        this.fileSuffix = fileSuffix;
        this.defaultLevel = defaultLevel;
        this.magic = magic;
        this.factory = factory;
    }

    /** The name the manifest stores, e.g. {@code zstd}. */
    public String codecName() {
        return codecName;
    }

    public String fileSuffix() {
        return fileSuffix;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The codec at {@code level} (rejected with a {@link BadInputException} when out of the codec's range). */
    public Codec at(int level) {
        return factory.apply(level);
    }

    /** The codec at its default level. */
    public Codec atDefaultLevel() {
        return at(defaultLevel);
    }

    /** The codec the manifest calls {@code name}. */
    public static StandardCodec named(String name) {
        for (StandardCodec c : values()) {
            if (c.codecName.equals(name.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new BadInputException("Unknown compression '" + name + "'; use zstd (default), gzip or none.");
    }

    /** The compressed stream {@code head} starts with, if any ({@link #NONE} has no magic and is never found). */
    public static Optional<StandardCodec> detect(byte[] head, int length) {
        for (StandardCodec c : values()) {
            if (c.magic.length > 0
                    && length >= c.magic.length
                    && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
