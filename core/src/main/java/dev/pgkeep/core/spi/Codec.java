package dev.pgkeep.core.spi;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.internal.codec.GzipCodec;
import dev.pgkeep.core.internal.codec.NoCodec;
import dev.pgkeep.core.internal.codec.ZstdCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Compresses the pg_dump archive on its way to storage and expands it on the way back. */
public interface Codec {

    /**
     * Default zstd level, chosen by measurement (docs/performance.md): level 2 is as fast as level 1 within a few
     * percent and, unlike level 1, stores no more than {@code pg_dump -Fc}; level 3 costs a third more CPU.
     */
    int DEFAULT_ZSTD_LEVEL = 2;

    /** Default gzip level, the same as gzip's own default. */
    int DEFAULT_GZIP_LEVEL = 6;

    /** Short name stored in the manifest: {@code zstd}, {@code gzip} or {@code none}. */
    String name();

    int level();

    /** Appended to the dump object's name, e.g. {@code .zst}. */
    String fileSuffix();

    /** Wraps {@code sink}; closing the returned stream finishes the frame and closes {@code sink}. */
    OutputStream compress(OutputStream sink) throws IOException;

    /** Wraps {@code source}; a truncated or corrupt frame raises an {@link IOException}. */
    InputStream decompress(InputStream source) throws IOException;

    static Codec zstd(int level) {
        return new ZstdCodec(level);
    }

    static Codec gzip(int level) {
        return new GzipCodec(level);
    }

    static Codec none() {
        return NoCodec.INSTANCE;
    }

    static Codec defaultCodec() {
        return zstd(DEFAULT_ZSTD_LEVEL);
    }

    /** The codec called {@code name}, at {@code level} or that codec's default when {@code level} is null. */
    static Codec of(String name, @Nullable Integer level) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zstd" -> zstd(level == null ? DEFAULT_ZSTD_LEVEL : level);
            case "gzip" -> gzip(level == null ? DEFAULT_GZIP_LEVEL : level);
            case "none" -> none();
            default ->
                throw new BadInputException("Unknown compression '" + name + "'; use zstd (default), gzip or none.");
        };
    }
}
