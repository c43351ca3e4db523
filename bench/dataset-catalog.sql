-- The "catalog" dataset of the pgkeep benchmark: many small objects, for the per-object costs of backup and restore
-- (pg_dump's catalog queries and lock per table, pg_restore's one statement per object, pgkeep's row counts per
-- table). psql variable:
--   :tables   the number of tables (bench/run.sh: 2000), in 20 schemas; each has 25 rows, a primary key (its
--             serial sequence) and a secondary index; every 50th table has a view, every 100th a standalone
--             sequence and a foreign key to the previous table
-- Deterministic: rows are functions of the table and row numbers.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
SELECT set_config('bench.tables', :'tables', false);

DO $gen$
DECLARE
    tables constant int := current_setting('bench.tables')::int;
    k int;
    s text;
    t text;
BEGIN
    FOR k IN 0..least(19, tables - 1) LOOP
        EXECUTE format('CREATE SCHEMA app%s', lpad(k::text, 2, '0'));
    END LOOP;
    FOR k IN 1..tables LOOP
        s := 'app' || lpad((k % 20)::text, 2, '0');
        t := format('%s.t%s', s, lpad(k::text, 4, '0'));
        EXECUTE format('CREATE TABLE %s (id serial PRIMARY KEY, code text NOT NULL, status smallint NOT NULL,
            amount numeric(10, 2), created_at timestamptz NOT NULL, note text)', t);
        EXECUTE format('INSERT INTO %s (code, status, amount, created_at, note)
            SELECT ''C%s-'' || i, i %% 4, (i * %s %% 10000) / 100.0,
                   timestamptz ''2025-01-01 00:00:00+00'' + (i * %s) * interval ''1 minute'', md5(%s || ''/'' || i)
            FROM generate_series(1, 25) i', t, k, k, k, k);
        EXECUTE format('CREATE INDEX ON %s (code)', t);
        IF k % 50 = 0 THEN
            EXECUTE format('CREATE VIEW %s.v%s AS SELECT status, count(*) AS n, sum(amount) AS total FROM %s GROUP BY 1',
                           s, lpad(k::text, 4, '0'), t);
        END IF;
        IF k % 100 = 0 THEN
            EXECUTE format('CREATE SEQUENCE %s.seq%s START 1000', s, lpad(k::text, 4, '0'));
            EXECUTE format('ALTER TABLE %s ADD COLUMN parent_id int REFERENCES app%s.t%s (id)', t,
                           lpad(((k - 1) % 20)::text, 2, '0'), lpad((k - 1)::text, 4, '0'));
        END IF;
        IF k % 200 = 0 THEN
            COMMIT; -- one transaction would hold a lock per table: more than max_locks_per_transaction allows
        END IF;
    END LOOP;
END
$gen$;

VACUUM (FREEZE, ANALYZE);
