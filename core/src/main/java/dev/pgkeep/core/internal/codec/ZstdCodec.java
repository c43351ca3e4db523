package dev.pgkeep.core.internal.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.spi.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** zstd through zstd-jni, with a content checksum in every frame so corruption is caught on decompression. */
public record ZstdCodec(int level) implements Codec {

    public ZstdCodec {
        if (level < 1 || level > Zstd.maxCompressionLevel()) {
            throw new BadInputException(
                    "zstd level must be between 1 and " + Zstd.maxCompressionLevel() + ", got " + level + ".");
        }
    }

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public String fileSuffix() {
        return ".zst";
    }

    @Override
    public OutputStream compress(OutputStream sink) throws IOException {
        ZstdOutputStream out = new ZstdOutputStream(sink, level);
        out.setChecksum(true);
        return out;
    }

    @Override
    public InputStream decompress(InputStream source) throws IOException {
        return new ZstdInputStream(source);
    }
}
