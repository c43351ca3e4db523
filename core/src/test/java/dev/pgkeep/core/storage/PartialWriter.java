package dev.pgkeep.core.storage;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.nio.file.Path;

/**
 * A separate JVM writing through {@link LocalStorageAdapter}: {@code ROOT KEY} starts writing KEY, writes a few bytes,
 * prints {@code WRITING} and waits (never committing) until it is killed or its stdin closes.
 */
public final class PartialWriter {
    private PartialWriter() {}

    public static void main(String[] args) throws Exception {
        PendingObject pending = new LocalStorageAdapter(Path.of(args[0])).create(args[1]);
        pending.output().write(new byte[4096]);
        pending.output().flush();
        System.out.println("WRITING");
        System.out.flush();
        System.in.read();
    }
}
