package dev.pgkeep.testsupport;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.InMemoryStorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * Restores a fixture backup into a new database with pgkeep itself, so a test starts from known data: a pgkeep
 * repository folder (its newest good backup) or one archive file (a {@code pg_dump --format=custom} file, optionally
 * gzip- or zstd-compressed, such as the {@code dump.pgc} pgkeep stores). Owners and privileges are left out (the
 * fixture's roles need not exist on a throwaway server).
 */
public final class Fixtures {
    /** Prefix of a fixture found on the class path, e.g. {@code classpath:fixtures/shop.dump}. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private Fixtures() {}

    /**
     * Restores {@code fixture} into the new database {@code database} on {@code server} (it must not exist yet).
     *
     * @param fixtureDatabase when {@code fixture} is a repository holding backups of several databases: whose newest
     *     backup; {@code null} for the repository's only database
     */
    public static RestoreResult restore(
            PostgresServer server, String database, Path fixture, @Nullable String fixtureDatabase) {
        if (!Files.exists(fixture)) {
            throw new IllegalArgumentException("The fixture " + fixture.toAbsolutePath()
                    + " does not exist: give a pgkeep repository folder or an archive file");
        }
        boolean repository = Files.isDirectory(fixture);
        StorageAdapter storage = repository ? new LocalStorageAdapter(fixture) : new InMemoryStorageAdapter();
        RestoreSource source = repository ? RestoreSource.latest(fixtureDatabase) : RestoreSource.file(fixture);
        BackupService service = BackupService.builder()
                .storage(storage)
                .toolsDirectory(server.binDir())
                .build();
        return service.restore(RestoreRequest.builder(source, server.connection(database))
                .createDatabase(true)
                .noOwner(true)
                .noPrivileges(true)
                .safetyBackup(false)
                .trigger(Trigger.TEST)
                .build());
    }

    /**
     * Where a fixture named in a test is: {@code classpath:name} is looked up with {@code loader} (a resource inside a
     * jar is copied to {@code scratch} first; a repository folder must be a plain directory), anything else is a path
     * (relative to the working directory, which Maven and Gradle make the module's folder).
     */
    public static Path locate(String fixture, ClassLoader loader, Path scratch) {
        if (!fixture.startsWith(CLASSPATH_PREFIX)) {
            return Path.of(fixture);
        }
        String name = fixture.substring(CLASSPATH_PREFIX.length()).replaceFirst("^/+", "");
        URL url = loader.getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("The fixture " + fixture + " is not on the test class path");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            Path copy = scratch.resolve(Path.of(name).getFileName().toString());
            Files.createDirectories(scratch);
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the fixture " + fixture, e);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The fixture " + fixture + " has no usable location: " + url, e);
        }
    }
}
