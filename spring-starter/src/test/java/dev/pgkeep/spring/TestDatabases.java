package dev.pgkeep.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.BackupResult;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Throwaway sample databases on the shared test server, and the properties that point a host app at them. */
public final class TestDatabases {
    private TestDatabases() {}

    public static PostgresServer server() {
        return PostgresServer.shared();
    }

    /** Creates a sample database and returns its name. */
    public static String createSample(String prefix) {
        String name = PostgresServer.uniqueDatabaseName(prefix);
        SampleDatabase.create(server(), name);
        return name;
    }

    public static String jdbcUrl(String database) {
        PostgresServer pg = server();
        return "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database;
    }

    /** Registers {@link #hostProperties} for a {@code @SpringBootTest}. */
    public static void register(DynamicPropertyRegistry registry, String database) {
        for (String p : hostProperties(database)) {
            String[] kv = p.split("=", 2);
            registry.add(kv[0], () -> kv[1]);
        }
    }

    /** spring.datasource.* and pgkeep.tools.bin-dir for {@code database}, as a host app would set them. */
    public static String[] hostProperties(String database) {
        PostgresServer pg = server();
        return new String[] {
            "spring.datasource.url=" + jdbcUrl(database),
            "spring.datasource.username=" + pg.superuser(),
            "spring.datasource.password=" + pg.password(),
            "pgkeep.tools.bin-dir=" + pg.binDir()
        };
    }

    /**
     * Restores {@code backup} with {@code service} into a new database on the shared server and asserts it equals
     * {@code database} (schema and data fingerprint); the copy is dropped afterwards.
     */
    public static void assertRestoresAsCopy(BackupService service, BackupResult backup, String database) {
        PostgresServer pg = server();
        String copy = PostgresServer.uniqueDatabaseName(database + "_copy");
        try {
            service.restore(
                    RestoreRequest.builder(RestoreSource.byId(backup.id().value()), pg.connection(copy))
                            .createDatabase(true)
                            .build());
            DatabaseFingerprint original = DatabaseFingerprint.of(pg, database);
            DatabaseFingerprint restored = DatabaseFingerprint.of(pg, copy);
            assertThat(restored).as(() -> original.diff(restored)).isEqualTo(original);
        } finally {
            pg.dropDatabase(copy);
        }
    }

    /** The archive (pg_dump's file) of a backup in a local-directory repository, as a client would upload it. */
    public static byte[] storedArchive(Path repository, String database, String backupId) {
        try (Stream<Path> files = Files.list(repository.resolve(database).resolve(backupId))) {
            Path dump = files.filter(p -> p.getFileName().toString().startsWith("dump."))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No dump.* in backup " + backupId));
            return Files.readAllBytes(dump);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
