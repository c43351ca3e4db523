package dev.pgkeep.spring.web;

import dev.pgkeep.core.ArchiveFormat;
import dev.pgkeep.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Receives an uploaded archive into a temporary file: bounded by {@code pgkeep.admin.max-upload-size} while it
 * streams, refused when empty, and identified by its magic bytes (pg_dump custom format, gzip, zstd, OpenPGP) before
 * any job is queued. Everything else (decoding, {@code pg_restore --list}) happens in core's restore.
 */
final class UploadStaging {
    private final long maxUploadBytes;

    UploadStaging(long maxUploadBytes) {
        this.maxUploadBytes = maxUploadBytes;
    }

    /** Refuses an upload whose declared size is already over the limit. */
    void requireAtMost(long declaredBytes) {
        if (declaredBytes > maxUploadBytes) {
            throw tooLarge();
        }
    }

    /** Copies the upload into {@code target} and checks that it is an archive pgkeep can read. */
    void receive(InputStream in, Path target) throws IOException {
        copyBounded(in, target);
        requireKnownFormat(target);
    }

    private void copyBounded(InputStream in, Path target) throws IOException {
        long max = maxUploadBytes;
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > max) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw new BadInputException("The uploaded archive is empty.");
        }
    }

    private static void requireKnownFormat(Path upload) throws IOException {
        byte[] head = new byte[32];
        int n;
        try (InputStream in = Files.newInputStream(upload)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (ArchiveFormat.detect(head, n).isEmpty()) {
            throw new UnsupportedArchiveException("The uploaded file is not an archive pgkeep can restore: expected a"
                    + " pg_dump custom-format archive (pg_dump -Fc), optionally gzip- or zstd-compressed and/or"
                    + " OpenPGP-encrypted. Plain SQL dumps are not accepted.");
        }
    }

    private UploadTooLargeException tooLarge() {
        return new UploadTooLargeException("The uploaded archive is larger than pgkeep.admin.max-upload-size ("
                + maxUploadBytes + " bytes); nothing was restored.");
    }
}
