package dev.pgkeep.testsupport.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.cluster.ExternalCommand;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import dev.pgkeep.testsupport.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@code @PgkeepPostgres} on real servers: each case runs a sample test class (nested here, named without "Test" so
 * that only this class runs them) through the JUnit launcher, then checks what the sample saw and what the extension
 * left behind.
 */
class PgkeepPostgresExtensionTest {
    // filled by the sample classes while they run
    static final List<Object> SEEN = new CopyOnWriteArrayList<>();
    static volatile DatabaseFingerprint expected;

    private static final Path FIXTURES = Path.of("target", "pgkeep-fixtures");

    @Test
    void aClassGetsAPrivateServerAndAnEmptyDatabaseThatAreGoneAfterIt() throws Exception {
        SEEN.clear();
        TestExecutionSummary summary = run(EmptyDatabaseSample.class);

        assertThat(summary.getTotalFailureCount()).as(() -> failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
        // one server for the whole class (both tests and the nested class), whichever way it was injected
        assertThat(SEEN).hasSize(4).allSatisfy(s -> assertThat(s).isSameAs(SEEN.get(0)));
        PostgresServer server = (PostgresServer) SEEN.get(0);
        assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(server.host(), server.port()), 2_000);
                    }
                })
                .as("the server is stopped after the class")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aRepositoryFixtureIsRestoredBeforeTheClass() throws Exception {
        PostgresServer source = PostgresServer.shared();
        String db = PostgresServer.uniqueDatabaseName("fixture_src");
        Path repo = FIXTURES.resolve("repository");
        deleteRecursively(repo);
        try {
            SampleDatabase.create(source, db);
            expected = DatabaseFingerprint.of(source, db);
            BackupService.builder()
                    .storage(new LocalStorageAdapter(repo))
                    .toolsDirectory(source.binDir())
                    .build()
                    .backup(BackupRequest.of(source.connection(db), Trigger.TEST));
        } finally {
            source.dropDatabase(db);
        }

        TestExecutionSummary summary = run(RepositoryFixtureSample.class);

        assertThat(summary.getTotalFailureCount()).as(() -> failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    @Test
    void anArchiveOnTheClassPathIsRestoredIntoADatabaseOfTheSharedServer() throws Exception {
        PostgresServer shared = PostgresServer.shared();
        String db = PostgresServer.uniqueDatabaseName("fixture_file");
        // on the test class path: target/test-classes is a folder the class loader reads as it is now
        Path archive = Path.of("target", "test-classes", "pgkeep-fixtures", "shop.dump");
        Files.createDirectories(archive.getParent());
        try {
            SampleDatabase.create(shared, db);
            expected = DatabaseFingerprint.of(shared, db);
            ExternalCommand.Result dump = ExternalCommand.run(
                    List.of(
                            shared.binDir().resolve("pg_dump").toString(),
                            "--format=custom",
                            "--file=" + archive.toAbsolutePath()),
                    shared.clientEnvironment(db),
                    null,
                    null,
                    Duration.ofMinutes(2));
            assertThat(dump.succeeded()).as(dump.stderr()).isTrue();
        } finally {
            shared.dropDatabase(db);
        }
        SEEN.clear();

        TestExecutionSummary summary;
        try {
            summary = run(ClassPathFixtureSample.class);
        } finally {
            Files.deleteIfExists(archive);
        }

        assertThat(summary.getTotalFailureCount()).as(() -> failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        TestDatabase used = (TestDatabase) SEEN.get(0);
        assertThat(used.server()).isSameAs(shared);
        assertThat(used.name()).startsWith("shop_");
        assertThat(shared.databaseExists(used.name()))
                .as("the class's database is dropped after it")
                .isFalse();
    }

    @Test
    void aMissingFixtureFailsTheClassNamingIt() {
        TestExecutionSummary summary = run(MissingFixtureSample.class);

        assertThat(summary.getTestsSucceededCount()).isZero();
        assertThat(failures(summary)).contains("target/pgkeep-fixtures/no-such-backup", "does not exist");
    }

    // --- the sample classes ---

    @PgkeepPostgres(database = "orders")
    static class EmptyDatabaseSample {
        @PgkeepPostgres.Inject
        static PostgresServer server;

        @PgkeepPostgres.Inject
        TestDatabase db;

        @BeforeAll
        static void serverIsThereBeforeAll() {
            assertThat(server.databaseExists("orders")).isTrue();
            assertThat(
                            server.psql(
                                    "orders",
                                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
                    .as("an empty database")
                    .isEqualTo("0");
        }

        @Test
        void theDatabaseIsEmptyAndInjectedEveryWay(DatabaseConnection connection, TestDatabase parameter) {
            assertThat(parameter).isEqualTo(db);
            assertThat(db.name()).isEqualTo("orders");
            assertThat(db.server()).isSameAs(server);
            assertThat(connection.database()).isEqualTo("orders");
            assertThat(connection.port()).isEqualTo(server.port());
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://" + server.host() + ":" + server.port() + "/orders");
            SEEN.add(server);
        }

        @Test
        void aSecondTestSeesTheSameServer(PostgresServer parameter) {
            db.psql("CREATE TABLE t (id int)"); // the database lives for the class, not per test
            SEEN.add(parameter);
            SEEN.add(db.server());
        }

        @Nested
        class Inner {
            @Test
            void sharesTheEnclosingClassServer(PostgresServer parameter) {
                SEEN.add(parameter);
            }
        }
    }

    @PgkeepPostgres(database = "shop", fixture = "target/pgkeep-fixtures/repository")
    static class RepositoryFixtureSample {
        @Test
        void holdsWhatTheBackupHeld(TestDatabase db) {
            DatabaseFingerprint restored = db.fingerprint();
            assertThat(restored.relations()).isEqualTo(expected.relations());
            assertThat(restored.sequences()).isEqualTo(expected.sequences());
            assertThat(restored.largeObjects()).isEqualTo(expected.largeObjects());
            assertThat(db.psql("SELECT count(*) FROM inventory.items"))
                    .isEqualTo(Long.toString(
                            expected.relations().get("inventory.items").rows()));
        }
    }

    @PgkeepPostgres(database = "shop", fixture = "classpath:pgkeep-fixtures/shop.dump", sharedServer = true)
    static class ClassPathFixtureSample {
        @Test
        void holdsWhatTheArchiveHeld(TestDatabase db) {
            SEEN.add(db);
            DatabaseFingerprint restored = db.fingerprint();
            assertThat(restored.relations()).isEqualTo(expected.relations());
            assertThat(restored.sequences()).isEqualTo(expected.sequences());
        }
    }

    @PgkeepPostgres(fixture = "target/pgkeep-fixtures/no-such-backup")
    static class MissingFixtureSample {
        @Test
        void neverRuns() {}
    }

    @AfterAll
    static void removeFixtures() throws IOException {
        deleteRecursively(FIXTURES);
    }

    private static TestExecutionSummary run(Class<?> sample) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(sample))
                        .build(),
                listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        StringBuilder text = new StringBuilder();
        summary.getFailures()
                .forEach(f -> text.append(f.getTestIdentifier().getDisplayName())
                        .append(": ")
                        .append(f.getException())
                        .append('\n'));
        return text.toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
