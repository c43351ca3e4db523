-- The "mixed" dataset of the pgkeep benchmark (bench/run.sh --dataset mixed): 200 tables of mixed sizes, one of them
-- (content.documents) about 40 % of the data, the other 199 sized 1/k of each other (k = 1..199: the largest ~10 %,
-- the smallest ~0.05 %), in four schemas of realistic kinds: a money ledger, device telemetry, CRM contacts and
-- documents. It is where parallel dumps matter (many tables; one large table bounds any parallel run) and, by
-- design, compresses worse than bench/dataset.sql (wide documents with random tokens, random bytea, uuids from
-- random(), float noise): the second dataset for the zstd level. psql variable:
--   :mb   the approximate size on disk in MB (tables and indexes)
-- setseed plus sequential generation in one session makes every run produce the same rows.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SET synchronous_commit = off;
SELECT set_config('bench.mb', :'mb', false);
SELECT setseed(0.2424);

CREATE SCHEMA ledger;
CREATE SCHEMA telemetry;
CREATE SCHEMA crm;
CREATE SCHEMA content;

-- 96 words, so generated prose compresses like prose, plus a random token per sentence like real ids and hashes
CREATE FUNCTION pg_temp.words() RETURNS text[] IMMUTABLE LANGUAGE sql AS $$
    SELECT ARRAY['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima',
                 'mike','november','oscar','papa','quebec','romeo','sierra','tango','uniform','victor','whiskey',
                 'xray','yankee','zulu','order','invoice','payment','refund','shipping','cart','checkout','coupon',
                 'account','profile','search','browse','product','review','rating','wishlist','support','ticket',
                 'login','logout','session','mobile','desktop','tablet','email','banner','campaign','partner',
                 'warehouse','stock','price','discount','return','delivery','tracking','gift','loyalty','bundle',
                 'the','a','of','to','and','in','is','for','with','on','was','by','customer','reported','that',
                 'system','update','failed','after','before','during','request','response','timeout','retry',
                 'queue','worker','batch','export','import','schema','migration','release']
$$;


-- create_table(KIND, NAME, ROWS): one table of a kind (1 ledger, 2 telemetry, 3 crm, 4 content) with ROWS rows,
-- its primary key and one secondary index, in one INSERT ... SELECT generate_series
CREATE FUNCTION pg_temp.create_table(kind int, name text, n bigint) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    word constant text := '(pg_temp.words())[1 + floor(random() * 96)::int]';
BEGIN
    IF kind = 1 THEN
        EXECUTE format('CREATE TABLE %s (id bigint PRIMARY KEY, account uuid NOT NULL, booked_at timestamptz NOT NULL,
            amount numeric(18, 6) NOT NULL, fx_rate float8 NOT NULL, currency char(3) NOT NULL, memo text NOT NULL,
            ref bytea NOT NULL)', name);
        EXECUTE format('INSERT INTO %s SELECT i, md5(random()::text)::uuid,
            timestamptz ''2023-01-01 00:00:00+00'' + random() * interval ''900 days'',
            round((random() * 200000 - 50000)::numeric, 6), 0.5 + random(),
            (ARRAY[''EUR'',''USD'',''GBP'',''JPY'',''CHF'',''SEK''])[1 + floor(random() * 6)::int],
            %s || '' '' || %s || '' #'' || floor(random() * 1e9)::bigint,
            decode(md5(random()::text), ''hex'')
            FROM generate_series(1, %s) i', name, word, word, n);
        EXECUTE format('CREATE INDEX ON %s (account, booked_at)', name);
    ELSIF kind = 2 THEN
        EXECUTE format('CREATE TABLE %s (id bigint PRIMARY KEY, device uuid NOT NULL, at timestamptz NOT NULL,
            temperature float8 NOT NULL, humidity float8 NOT NULL, pressure numeric(9, 3) NOT NULL,
            battery smallint NOT NULL, ok boolean NOT NULL, source inet NOT NULL, raw bytea NOT NULL)', name);
        EXECUTE format('INSERT INTO %s SELECT i, md5(''device'' || floor(random() * 5000)::int)::uuid,
            timestamptz ''2024-06-01 00:00:00+00'' + i * interval ''1 second'' + random() * interval ''1 second'',
            15 + random() * 20, random() * 100, round((950 + random() * 100)::numeric, 3),
            floor(random() * 101)::smallint, random() < 0.99,
            (''10.'' || floor(random() * 256)::int || ''.'' || floor(random() * 256)::int || ''.''
                || floor(random() * 256)::int)::inet,
            sha256(random()::text::bytea)
            FROM generate_series(1, %s) i', name, n);
        EXECUTE format('CREATE INDEX ON %s (at)', name);
    ELSIF kind = 3 THEN
        EXECUTE format('CREATE TABLE %s (id bigint PRIMARY KEY, uid uuid NOT NULL, email text NOT NULL,
            phone text NOT NULL, full_name text NOT NULL, created_at timestamptz NOT NULL, score numeric(6, 2),
            tags text[] NOT NULL, attrs jsonb NOT NULL)', name);
        EXECUTE format('INSERT INTO %s SELECT i, md5(random()::text)::uuid,
            substr(md5(random()::text), 1, 10) || ''@'' || %s || ''.example.com'',
            ''+'' || (10000000000 + floor(random() * 89999999999))::bigint,
            initcap(%s) || '' '' || initcap(%s),
            timestamptz ''2015-01-01 00:00:00+00'' + random() * interval ''3600 days'',
            CASE WHEN random() < 0.8 THEN round((random() * 1000)::numeric, 2) END,
            ARRAY[%s, %s],
            jsonb_build_object(''plan'', (ARRAY[''free'',''pro'',''team''])[1 + floor(random() * 3)::int],
                ''token'', encode(sha256(random()::text::bytea), ''base64''), ''visits'', floor(random() * 5000)::int)
            FROM generate_series(1, %s) i', name, word, word, word, word, word, n);
        EXECUTE format('CREATE UNIQUE INDEX ON %s (email, id)', name);
    ELSE
        EXECUTE format('CREATE TABLE %s (id bigint PRIMARY KEY, uid uuid NOT NULL, title text NOT NULL,
            body text NOT NULL, published date, checksum bytea NOT NULL, attrs jsonb NOT NULL)', name);
        -- body: ~1.1 KB of sentences, each word random and every 6th followed by a random 16-hex token; the
        -- subquery refers to i, so it is evaluated per row
        EXECUTE format('INSERT INTO %s SELECT i, md5(random()::text)::uuid,
            initcap(%s) || '' '' || %s || '' '' || %s,
            (SELECT string_agg(%s || CASE WHEN j %% 6 = 0 THEN '' ref:'' || substr(md5(random()::text), 1, 16)
                                                 || ''.'' ELSE '''' END, '' '')
               FROM generate_series(1, 150 + i %% 7) j),
            CASE WHEN random() < 0.9 THEN date ''2020-01-01'' + floor(random() * 2000)::int END,
            sha256(random()::text::bytea),
            jsonb_build_object(''lang'', (ARRAY[''en'',''de'',''fr''])[1 + floor(random() * 3)::int],
                ''words'', 150 + i %% 7, ''author'', md5(random()::text)::uuid)
            FROM generate_series(1, %s) i', name, word, word, word, word, n);
        EXECUTE format('CREATE INDEX ON %s (published)', name);
    END IF;
END
$fn$;

DO $gen$
DECLARE
    total_bytes constant float8 := current_setting('bench.mb')::float8 * 1e6;
    -- approximate bytes on disk per row (heap and indexes) of each kind, measured on PostgreSQL 15
    doc_row constant float8 := 1680;
    row_bytes constant float8[] := ARRAY[200, 186, 378, 1750]; -- ledger, telemetry, crm, content
    kinds constant text[] := ARRAY['ledger', 'telemetry', 'crm', 'content'];
    harmonic float8 := 0;
    k int;
    kind int;
    n bigint;
    t text;
BEGIN
    FOR k IN 1..199 LOOP harmonic := harmonic + 1.0 / k; END LOOP;

    -- the large table: 40 % of the data
    n := greatest(20, (0.33 * total_bytes / doc_row)::bigint);
    PERFORM pg_temp.create_table(4, 'content.documents', n);

    FOR k IN 1..199 LOOP
        kind := 1 + (k - 1) % 4;
        n := greatest(20, (0.54 * total_bytes / harmonic / k / row_bytes[kind])::bigint);
        t := format('%s.%s_%s', kinds[kind],
                    (ARRAY['entries', 'readings', 'contacts', 'notes'])[kind], lpad(k::text, 3, '0'));
        PERFORM pg_temp.create_table(kind, t, n);
    END LOOP;
END
$gen$;

-- a view and a foreign key, as real schemas have
ALTER TABLE ledger.entries_001 ADD COLUMN contact_id bigint REFERENCES crm.contacts_003 (id);
CREATE VIEW content.recent_documents AS
    SELECT id, title, published FROM content.documents WHERE published > date '2025-01-01';

-- set hint bits and the visibility map now, so that the first pg_dump does not pay for them
VACUUM (FREEZE, ANALYZE);
