package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring one table or one schema of a real backup: the table comes with its data, identity, index, check
 * constraint, comment, trigger (and the function it needs, into a new database) and the view that needs only it; a
 * foreign key to a table left behind is reported, not half-restored; into the existing database one table is
 * replaced while the others keep what they hold now.
 */
@ExtendWith(PostgresExtension.class)
class CliSelectiveRestoreTest {
    private static String source = "";
    private static String repo = "";

    @TempDir
    static Path dir;

    @BeforeAll
    static void backUp(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_sel");
        pg.createDatabase(source);
        pg.psql(source, """
                create schema shop;
                create type shop.state as enum ('new', 'paid');
                create table shop.customers(id serial primary key, name text not null);
                create table shop.orders(
                    id bigint generated always as identity primary key,
                    customer_id int references shop.customers(id),
                    state shop.state not null default 'new',
                    total numeric check (total >= 0));
                create index orders_state on shop.orders(state);
                comment on table shop.orders is 'every order';
                create view shop.big_orders as select * from shop.orders where total > 100;
                create function shop.touch() returns trigger language plpgsql as $$begin return new; end$$;
                create trigger orders_touch before insert on shop.orders for each row execute function shop.touch();
                create schema audit;
                create table audit.events(id serial primary key, what text);
                create table public.unrelated(x int);
                insert into shop.customers(name) select 'c' || g from generate_series(1, 20) g;
                insert into shop.orders(customer_id, total) select 1 + g % 20, g from generate_series(1, 500) g;
                insert into audit.events(what) select 'e' || g from generate_series(1, 30) g;
                insert into public.unrelated select generate_series(1, 7);
                """);
        repo = dir.resolve("r").toString();
        CliRun backup = CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo);
        assertThat(backup.exitCode()).as(backup::toString).isZero();
    }

    @AfterAll
    static void drop(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    static Map<String, String> env(PostgresServer pg) {
        return CliEndToEndTest.env(pg);
    }

    /** {@code pgkeep restore --repo <the backup's> --latest --db <target>} with {@code options}. */
    static CliRun restoreLatest(PostgresServer pg, String target, String... options) {
        List<String> args = new ArrayList<>(List.of("restore", "--repo", repo, "--latest", "--db", pg.url(target)));
        args.addAll(List.of(options));
        return CliRun.run(env(pg), args.toArray(String[]::new));
    }

    @Test
    void oneTableIntoANewDatabaseComesWithWhatBelongsToItAndReportsWhatNeedsMore(PostgresServer pg) {
        String target = PostgresServer.uniqueDatabaseName("cli_sel_t");
        try {
            CliRun restore = restoreLatest(pg, target, "--create", "--table", "shop.orders", "--json");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(restore.out()).contains("\"leftOut\":[\"FK CONSTRAINT shop orders orders_customer_id_fkey");
            assertThat(pg.psql(target, "select count(*), sum(total) from shop.orders")
                            .strip())
                    .isEqualTo("500|125250");
            assertThat(pg.psql(target, """
                    select string_agg(c.relname || ':' || c.relkind::text, ',' order by c.relname)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
                    """).strip())
                    .isEqualTo("big_orders:v,orders:r,orders_id_seq:S,orders_pkey:i,orders_state:i");
            assertThat(pg.psql(target, "select obj_description('shop.orders'::regclass)")
                            .strip())
                    .isEqualTo("every order");
            assertThat(pg.psql(target, "select tgname from pg_trigger where not tgisinternal")
                            .strip())
                    .isEqualTo("orders_touch");
            assertThat(pg.psql(
                                    target,
                                    "select conname from pg_constraint where contype = 'c' and conrelid = 'shop.orders'::regclass")
                            .strip())
                    .isEqualTo("orders_total_check");
            // the identity goes on where the source was
            assertThat(pg.psql(target, "insert into shop.orders(total) values (1) returning id")
                            .strip())
                    .startsWith("501");
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aSchemaIntoANewDatabaseHoldsItsTablesAndNothingElse(PostgresServer pg) {
        String target = PostgresServer.uniqueDatabaseName("cli_sel_s");
        try {
            CliRun restore = restoreLatest(pg, target, "--create", "--schema", "audit");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(pg.psql(target, "select count(*) from audit.events").strip())
                    .isEqualTo("30");
            assertThat(pg.psql(target, "select count(*) from pg_tables where schemaname in ('shop', 'public')")
                            .strip())
                    .isEqualTo("0");
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void oneTableIntoTheExistingDatabaseReplacesItAndLeavesTheOthersAsTheyAreNow(PostgresServer pg) {
        String copy = PostgresServer.uniqueDatabaseName("cli_sel_e");
        try {
            assertThat(restoreLatest(pg, copy, "--create").exitCode()).isZero();
            pg.psql(
                    copy,
                    "delete from shop.orders where id > 100; update shop.customers set name = 'changed';"
                            + " insert into audit.events(what) values ('after the backup');");

            CliRun withoutForce = restoreLatest(pg, copy, "--table", "shop.orders");
            assertThat(withoutForce.exitCode()).isEqualTo(3);

            CliRun restore = restoreLatest(pg, copy, "--table", "shop.orders", "--force");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(restore.out()).contains("Safety backup");
            assertThat(pg.psql(copy, "select count(*) from shop.orders").strip())
                    .isEqualTo("500");
            // the view on it was recreated, the foreign key to the table that was not restored too
            assertThat(pg.psql(copy, "select count(*) from shop.big_orders").strip())
                    .isEqualTo("400");
            assertThat(pg.psql(copy, "select count(*) from pg_constraint where conname = 'orders_customer_id_fkey'")
                            .strip())
                    .isEqualTo("1");
            assertThat(pg.psql(copy, "select distinct name from shop.customers").strip())
                    .isEqualTo("changed");
            assertThat(pg.psql(copy, "select count(*) from audit.events").strip())
                    .isEqualTo("31");
        } finally {
            pg.dropDatabase(copy);
        }
    }

    @Test
    void listContentsShowsTablesWithRowsAndAWrongNameChangesNothing(PostgresServer pg) {
        CliRun contents = CliRun.run(env(pg), "restore", "--repo", repo, "--latest", "--list-contents");
        assertThat(contents.exitCode()).as(contents::toString).isZero();
        assertThat(contents.out())
                .contains("holds 4 table(s)")
                .containsPattern("shop\\.orders\\s+500 rows")
                .containsPattern("audit\\.events\\s+30 rows")
                .contains("FK CONSTRAINT=1");

        String target = PostgresServer.uniqueDatabaseName("cli_sel_bad");
        CliRun wrong = restoreLatest(pg, target, "--create", "--table", "shop.order");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("no table shop.order").contains("shop.orders");
        assertThat(pg.databaseExists(target)).isFalse();
        CliRun unqualified = restoreLatest(pg, target, "--create", "--table", "orders");
        assertThat(unqualified.exitCode()).isEqualTo(2);
        assertThat(unqualified.err()).contains("SCHEMA.NAME");
    }
}
