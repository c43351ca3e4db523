package dev.pgkeep.core.spi;

import dev.pgkeep.core.StandardCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** Compresses the pg_dump archive on its way to storage and expands it on the way back. */
public interface Codec {

    /** Default zstd level ({@link StandardCodec#ZSTD}'s; chosen by measurement, see docs/performance.md). */
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

    /** {@link StandardCodec#ZSTD} at {@code level}. */
    static Codec zstd(int level) {
        return StandardCodec.ZSTD.at(level);
    }

    /** {@link StandardCodec#GZIP} at {@code level}. */
    static Codec gzip(int level) {
        return StandardCodec.GZIP.at(level);
    }

    /** {@link StandardCodec#NONE}. */
    static Codec none() {
        return StandardCodec.NONE.atDefaultLevel();
    }

    static Codec defaultCodec() {
        return StandardCodec.ZSTD.atDefaultLevel();
    }

    /** The codec called {@code name}, at {@code level} or that codec's default when {@code level} is null. */
    static Codec of(String name, @Nullable Integer level) {
        StandardCodec codec = StandardCodec.named(name);
        return level == null ? codec.atDefaultLevel() : codec.at(level);
    }
}
