package dev.pgkeep.core.internal.codec;

import dev.pgkeep.core.spi.Codec;
import java.io.InputStream;
import java.io.OutputStream;

/** Stores the archive as pg_dump wrote it. */
public final class NoCodec implements Codec {
    public static final NoCodec INSTANCE = new NoCodec();

    private NoCodec() {}

    @Override
    public String name() {
        return "none";
    }

    @Override
    public int level() {
        return 0;
    }

    @Override
    public String fileSuffix() {
        return "";
    }

    @Override
    public OutputStream compress(OutputStream sink) {
        return sink;
    }

    @Override
    public InputStream decompress(InputStream source) {
        return source;
    }

    @Override
    public String toString() {
        return "none";
    }
}
