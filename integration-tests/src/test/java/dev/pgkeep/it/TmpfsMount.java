package dev.pgkeep.it;

import dev.pgkeep.core.cluster.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A small tmpfs mounted on a folder (the tests run as root), to fill up; unmounted on close. */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    static TmpfsMount of(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0777", "tmpfs", dir.toString()));
        return new TmpfsMount(dir);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        run(List.of("umount", "-l", dir.toString()));
    }

    private static void run(List<String> command) throws IOException {
        ExternalCommand.Result result =
                ExternalCommand.run(command, System.getenv(), null, null, Duration.ofSeconds(30));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result);
        }
    }
}
