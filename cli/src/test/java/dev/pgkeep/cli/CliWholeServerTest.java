package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole server onto another: {@code backup --all} on one cluster (roles with a membership, a role setting, a
 * database owned by an application role, grants), {@code restore --all} onto a second, empty cluster; then the guards.
 */
class CliWholeServerTest {

    @Test
    void rebuildsAServerWithItsRolesOnAnotherServerAndRefusesToOverwriteOne(@TempDir Path dir) throws Exception {
        try (PostgresServer source = PostgresServer.start();
                PostgresServer target = PostgresServer.start()) {
            source.psql("postgres", """
                    create role reader nologin;
                    create role app login password 'app-secret' in role reader;
                    alter role app set statement_timeout = '5s';
                    create database shop owner app;
                    create database crm;
                    """);
            source.psql("shop", """
                    create table orders(id int primary key, total numeric);
                    insert into orders select g, g * 1.5 from generate_series(1, 300) g;
                    alter table orders owner to app;
                    grant select on orders to reader;
                    """);
            source.psql("crm", """
                    create table contacts(id serial primary key, name text);
                    insert into contacts(name) select 'c' || g from generate_series(1, 40) g;
                    """);
            DatabaseFingerprint shop = DatabaseFingerprint.of(source, "shop");
            DatabaseFingerprint crm = DatabaseFingerprint.of(source, "crm");
            String repo = dir.resolve("r").toString();
            Map<String, String> env = Map.of("PGKEEP_PG_BIN", source.binDir().toString());

            CliRun noKey = CliRun.run(
                    env, "backup", "--all", "--with-role-passwords", "--db", source.url("postgres"), "--repo", repo);
            assertThat(noKey.exitCode()).isEqualTo(2);
            assertThat(noKey.err()).contains("encrypted repository");

            CliRun backup =
                    CliRun.run(env, "backup", "--all", "--db", source.url("postgres"), "--repo", repo, "--json");
            assertThat(backup.exitCode()).as(backup::toString).isZero();
            assertThat(backup.out())
                    .contains("\"complete\":true")
                    .contains("\"database\":\"crm\"")
                    .contains("\"database\":\"shop\"")
                    .contains("\"skipped\":[\"postgres\"]")
                    .contains("\"rolePasswords\":false");
            CliRun list = CliRun.run(env, "list", "--repo", repo);
            assertThat(list.out()).contains("set-").contains("crm, shop");

            CliRun restore = CliRun.run(
                    env, "restore", "--all", "--latest", "--db", target.url("postgres"), "--repo", repo, "--json");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(restore.out()).contains("\"rolesCreated\":[\"app\",\"reader\"]");
            assertThat(DatabaseFingerprint.of(target, "shop").diff(shop)).isEmpty();
            assertThat(DatabaseFingerprint.of(target, "crm").diff(crm)).isEmpty();
            assertThat(target.psql("postgres", """
                    select r.rolname || ':' || r.rolcanlogin || ':' || coalesce(string_agg(g.rolname, ','), '')
                    from pg_roles r left join pg_auth_members m on m.member = r.oid
                    left join pg_roles g on g.oid = m.roleid
                    where r.rolname in ('app', 'reader') group by r.rolname, r.rolcanlogin order by r.rolname
                    """).strip()).isEqualTo("app:true:reader\nreader:false:");
            assertThat(target.psql(
                                    "postgres",
                                    "select array_to_string(setconfig, ',') from pg_db_role_setting s"
                                            + " join pg_roles r on r.oid = s.setrole where r.rolname = 'app'")
                            .strip())
                    .isEqualTo("statement_timeout=5s");
            assertThat(target.psql("shop", "select pg_get_userbyid(datdba) from pg_database where datname = 'shop'")
                            .strip())
                    .isEqualTo("app");
            assertThat(target.psql("shop", "select has_table_privilege('reader', 'orders', 'select')")
                            .strip())
                    .isEqualTo("t");

            CliRun again =
                    CliRun.run(env, "restore", "--all", "--latest", "--db", target.url("postgres"), "--repo", repo);
            assertThat(again.exitCode()).isEqualTo(3);
            assertThat(again.err()).contains("[crm, shop]");
        }
    }

    @Test
    void aDatabaseThatCannotBeBackedUpIsReportedAndTheSetIsIncompleteButTheOthersAreStored(@TempDir Path dir) {
        try (PostgresServer source = PostgresServer.start()) {
            source.psql("postgres", """
                    create role operator login password 'op-secret';
                    create database mine owner operator;
                    create database theirs;
                    """);
            source.psql("theirs", "create table secrets(x int); insert into secrets values (1);");
            source.psql("mine", "set role operator; create table notes(x int); insert into notes values (1);");
            String operator = "postgresql://operator:op-secret@" + source.host() + ":" + source.port() + "/postgres";
            Map<String, String> env = Map.of("PGKEEP_PG_BIN", source.binDir().toString());
            String repo = dir.resolve("r").toString();

            CliRun backup = CliRun.run(env, "backup", "--all", "--db", operator, "--repo", repo, "--json");
            assertThat(backup.exitCode()).as(backup::toString).isEqualTo(1);
            assertThat(backup.out())
                    .contains("\"complete\":false")
                    .containsPattern("\"database\":\"mine\",\"backupId\":\"\\d{8}T")
                    .containsPattern("\"database\":\"theirs\",\"backupId\":null,\"error\":\"[^\"]*permission denied");
            assertThat(CliRun.run(env, "list", "--repo", repo).out())
                    .contains("theirs (failed)")
                    .contains("NO");
            // an incomplete set is not what --latest restores
            CliRun restore = CliRun.run(env, "restore", "--all", "--latest", "--db", operator, "--repo", repo);
            assertThat(restore.exitCode()).isEqualTo(2);
            assertThat(restore.err()).contains("No complete whole-server backup");
        }
    }
}
