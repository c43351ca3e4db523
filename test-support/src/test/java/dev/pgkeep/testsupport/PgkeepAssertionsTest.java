package dev.pgkeep.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.testsupport.junit.PgkeepPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an application's test does with the kit: its schema in a throwaway database, then one assertion. */
@PgkeepPostgres(database = "app")
class PgkeepAssertionsTest {

    @BeforeAll
    static void migrate(TestDatabase db) {
        // stands in for the app's migrations: awkward objects, data, a sequence, a large object
        SampleDatabase.create(db.server(), db.name());
    }

    @Test
    void theAppsDatabaseSurvivesABackupAndRestore(TestDatabase db, PostgresServer server) {
        BackupManifest manifest = PgkeepAssertions.assertBackupRestores(db);

        assertThat(manifest.database()).isEqualTo("app");
        long items = Long.parseLong(db.psql("SELECT count(*) FROM inventory.items"));
        assertThat(manifest.tables()).contains(new BackupManifest.TableRows("inventory", "items", items));
        // the scratch copy is gone again: only the app's database and the server's own are left
        assertThat(server.psql("postgres", "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database"))
                .isEqualTo("app,postgres,template0,template1");
    }

    @Test
    void aDifferenceFailsNamingIt(TestDatabase db, PostgresServer server) {
        String other = PostgresServer.uniqueDatabaseName("other");
        try {
            SampleDatabase.create(server, other);
            server.psql(other, "DELETE FROM inventory.items WHERE id = 1");
            DatabaseFingerprint original = db.fingerprint();
            DatabaseFingerprint changed = DatabaseFingerprint.of(server, other);

            assertThatThrownBy(() -> PgkeepAssertions.assertSame("app", original, changed))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("database 'app' does not restore to the same database")
                    .hasMessageContaining("inventory.items");
            PgkeepAssertions.assertSame("app", original, db.fingerprint()); // and no difference passes
        } finally {
            server.dropDatabase(other);
        }
    }
}
