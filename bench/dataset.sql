-- A deterministic, realistic dataset for the pgkeep benchmark. psql variables:
--   :events     rows in app.events (3.5 M for ~1 GB on disk)
--   :customers  rows in shop.customers (0.5 M for ~1 GB)
-- setseed makes every run produce the same rows; uuids come from md5, not gen_random_uuid(), for the same reason.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SET synchronous_commit = off;
SELECT setseed(0.4242);

CREATE SCHEMA shop;
CREATE SCHEMA app;
CREATE SCHEMA audit;

CREATE TABLE shop.customers (
    id          bigint PRIMARY KEY,
    uid         uuid NOT NULL,
    email       text NOT NULL,
    full_name   text NOT NULL,
    country     char(2) NOT NULL,
    created_at  timestamptz NOT NULL,
    balance     numeric(14, 2) NOT NULL,
    profile     jsonb NOT NULL
);

-- one INSERT ... SELECT generate_series per table: the fastest way to generate rows in the server
INSERT INTO shop.customers
SELECT i,
       md5('customer' || i)::uuid,
       'user' || i || '@' || v.w[1 + floor(random() * 64)::int] || '.example.' || (ARRAY['com','org','net','de','fr'])[1 + floor(random() * 5)::int],
       initcap(v.w[1 + floor(random() * 64)::int]) || ' ' || initcap(v.w[1 + floor(random() * 64)::int]) || 'son',
       (ARRAY['US','DE','FR','GB','NL','ES','IT','PL','SE','BR','JP','IN'])[1 + floor(random() * 12)::int],
       timestamptz '2018-01-01 00:00:00+00' + random() * interval '2500 days',
       round((random() * 20000 - 2000)::numeric, 2),
       jsonb_build_object(
           'plan', (ARRAY['free','pro','team','enterprise'])[1 + floor(random() * 4)::int],
           'newsletter', random() < 0.3,
           'tags', jsonb_build_array(v.w[1 + floor(random() * 64)::int], v.w[1 + floor(random() * 64)::int]),
           'score', floor(random() * 1000)::int,
           'api_key_hash', md5(random()::text) || md5(random()::text))
FROM generate_series(1, :customers) AS i,
     (SELECT ARRAY['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima',
                   'mike','november','oscar','papa','quebec','romeo','sierra','tango','uniform','victor','whiskey',
                   'xray','yankee','zulu','order','invoice','payment','refund','shipping','cart','checkout','coupon',
                   'account','profile','search','browse','product','review','rating','wishlist','support','ticket',
                   'login','logout','session','mobile','desktop','tablet','email','banner','campaign','partner',
                   'warehouse','stock','price','discount','return','delivery','tracking','gift','loyalty','bundle']
             AS w) AS v;

CREATE TABLE app.events (
    id           bigint PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES shop.customers (id),
    kind         text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    amount       numeric(12, 2),
    session_id   uuid NOT NULL,
    payload      jsonb NOT NULL,
    message      text NOT NULL
);

INSERT INTO app.events
SELECT i,
       1 + floor(random() * :customers)::bigint,
       (ARRAY['page_view','page_view','page_view','click','click','search','add_to_cart','checkout','payment',
              'login','logout','error'])[1 + floor(random() * 12)::int],
       timestamptz '2024-01-01 00:00:00+00' + (i::float8 / :events) * interval '700 days'
           + random() * interval '1 hour',
       CASE WHEN random() < 0.35 THEN round((random() * 500)::numeric, 2) END,
       md5('session' || (i / 25))::uuid,
       jsonb_build_object(
           'ip', '10.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int,
           'agent', (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0','Mozilla/5.0 (Macintosh) Safari/17.1',
                           'Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0','okhttp/4.12.0','curl/8.4.0'])[1 + floor(random() * 5)::int],
           'path', '/' || v.w[1 + floor(random() * 64)::int] || '/' || v.w[1 + floor(random() * 64)::int] || '/' || floor(random() * 10000)::int,
           'items', jsonb_build_array(floor(random() * 100000)::int, floor(random() * 100000)::int, round((random() * 100)::numeric, 4)),
           'trace', md5(random()::text),
           'csrf', encode(sha256(random()::text::bytea), 'base64'),
           'ok', random() < 0.97,
           'ms', floor(random() * 900)::int),
       v.w[1 + floor(random() * 64)::int] || ' ' || v.w[1 + floor(random() * 64)::int] || ' ' || v.w[1 + floor(random() * 64)::int]
           || ' ' || v.w[1 + floor(random() * 64)::int] || ' ' || v.w[1 + floor(random() * 64)::int] || ' '
           || v.w[1 + floor(random() * 64)::int] || ' ref=' || substr(md5(random()::text), 1, 24)
           || ' user_agent_hash=' || md5(random()::text)
FROM generate_series(1, :events) AS i,
     (SELECT ARRAY['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima',
                   'mike','november','oscar','papa','quebec','romeo','sierra','tango','uniform','victor','whiskey',
                   'xray','yankee','zulu','order','invoice','payment','refund','shipping','cart','checkout','coupon',
                   'account','profile','search','browse','product','review','rating','wishlist','support','ticket',
                   'login','logout','session','mobile','desktop','tablet','email','banner','campaign','partner',
                   'warehouse','stock','price','discount','return','delivery','tracking','gift','loyalty','bundle']
             AS w) AS v;

CREATE TABLE audit.changes (
    id          bigserial PRIMARY KEY,
    table_name  text NOT NULL,
    row_id      bigint NOT NULL,
    changed_at  timestamptz NOT NULL,
    actor       text NOT NULL,
    diff        jsonb NOT NULL
);
INSERT INTO audit.changes (table_name, row_id, changed_at, actor, diff)
SELECT 'shop.customers', 1 + floor(random() * :customers)::bigint,
       timestamptz '2024-01-01 00:00:00+00' + random() * interval '700 days',
       'admin' || floor(random() * 20)::int,
       jsonb_build_object('field', 'balance', 'old', round((random() * 1000)::numeric, 2), 'new', round((random() * 1000)::numeric, 2))
FROM generate_series(1, greatest(:customers / 10, 10));

CREATE UNIQUE INDEX customers_email ON shop.customers (email);
CREATE INDEX events_customer ON app.events (customer_id);
CREATE INDEX events_occurred ON app.events (occurred_at);
CREATE INDEX events_kind_time ON app.events (kind, occurred_at);
CREATE INDEX changes_row ON audit.changes (table_name, row_id);
CREATE VIEW app.daily_revenue AS
    SELECT date_trunc('day', occurred_at) AS day, sum(amount) AS revenue FROM app.events GROUP BY 1;

-- set hint bits and the visibility map now, so that the first pg_dump does not pay for them
VACUUM (FREEZE, ANALYZE);
