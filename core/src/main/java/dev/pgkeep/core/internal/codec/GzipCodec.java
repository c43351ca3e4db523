package dev.pgkeep.core.internal.codec;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip through the JDK (zlib), for repositories that must be readable with plain {@code gunzip}. */
public record GzipCodec(int level) implements Codec {
    private static final int BUFFER = 64 * 1024;

    public GzipCodec {
        if (level < 1 || level > 9) {
            throw new BadInputException("gzip level must be between 1 and 9, got " + level + ".");
        }
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String fileSuffix() {
        return ".gz";
    }

    @Override
    public OutputStream compress(OutputStream sink) throws IOException {
        int chosen = level;
        return new GZIPOutputStream(sink, BUFFER) {
            {
                def.setLevel(chosen);
            }
        };
    }

    @Override
    public InputStream decompress(InputStream source) throws IOException {
        return new GZIPInputStream(source, BUFFER);
    }
}
