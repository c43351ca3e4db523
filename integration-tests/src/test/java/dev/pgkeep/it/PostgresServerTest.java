package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the PostgreSQL fixture: real server, real psql, password authentication enforced. */
@ExtendWith(PostgresExtension.class)
class PostgresServerTest {

    @Test
    void sharedServerRunsPostgres15OrNewerAndExecutesSqlThroughPsql(PostgresServer pg) {
        assertThat(pg).isSameAs(PostgresServer.shared());
        assertThat(pg.serverMajorVersion()).isGreaterThanOrEqualTo(15);
        assertThat(Files.isExecutable(pg.binDir().resolve("pg_dump"))).isTrue();

        String db = PostgresServer.uniqueDatabaseName("Fixture-Test");
        assertThat(db).matches("fixture_test_[a-z0-9]{10}");
        pg.createDatabase(db);
        try {
            assertThat(pg.databaseExists(db)).isTrue();
            String out = pg.psql(db, """
                    CREATE TABLE t (id int, name text);
                    INSERT INTO t VALUES (1, 'one'), (2, 'two');
                    SELECT id || ':' || name FROM t ORDER BY id;
                    SELECT current_database();
                    """);
            assertThat(out).isEqualTo("1:one\n2:two\n" + db);
        } finally {
            pg.dropDatabase(db);
        }
        assertThat(pg.databaseExists(db)).isFalse();
    }

    @Test
    void psqlFailureCarriesTheServerMessage(PostgresServer pg) {
        assertThatThrownBy(() -> pg.psql("postgres", "SELECT * FROM no_such_table_here"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no_such_table_here")
                .hasMessageNotContaining(pg.password());
    }

    @Test
    void connectionDescribesTheServerAndUrlsCarryThePasswordOnlyWhenAsked(PostgresServer pg) {
        DatabaseConnection conn = pg.connection("somedb");
        assertThat(conn.host()).isEqualTo(pg.host());
        assertThat(conn.port()).isEqualTo(pg.port());
        assertThat(conn.user()).isEqualTo("postgres");
        assertThat(conn.password()).isNotNull();
        assertThat(conn.password().reveal()).isEqualTo(pg.password());
        assertThat(DatabaseConnection.parse(pg.url("somedb"))).isEqualTo(conn);
        assertThat(pg.urlWithoutPassword("somedb"))
                .doesNotContain(pg.password())
                .endsWith("/somedb");
    }

    @Test
    void wrongPasswordIsRejectedAndTheRightOneAccepted(PostgresServer pg) throws Exception {
        assertThat(runPsql(pg, pg.password())).isEqualTo(0);
        assertThat(runPsql(pg, pg.password() + "x")).isNotEqualTo(0);
    }

    @Test
    void privateServerIsIndependentAndRemovedOnClose() {
        PostgresServer shared = PostgresServer.shared();
        PostgresServer own = PostgresServer.start();
        try {
            assertThat(own.port()).isNotEqualTo(shared.port());
            assertThat(own.password()).isNotEqualTo(shared.password());
            assertThat(own.psql("postgres", "SELECT 40 + 2")).isEqualTo("42");
        } finally {
            own.close();
        }
        assertThatThrownBy(() -> own.psql("postgres", "SELECT 1")).isInstanceOf(IllegalStateException.class);
        // closing the shared server is ignored, so other test classes keep it
        shared.close();
        assertThat(shared.psql("postgres", "SELECT 1")).isEqualTo("1");
    }

    private static int runPsql(PostgresServer pg, String password) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        List.of(pg.binDir().resolve("psql").toString(), "-X", "-w", "-c", "SELECT 1", "-d", "postgres"))
                .redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(pg.clientEnvironment("postgres"));
        env.put("PGPASSWORD", password);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (process.exitValue() != 0) {
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("password authentication failed");
        }
        return process.exitValue();
    }
}
