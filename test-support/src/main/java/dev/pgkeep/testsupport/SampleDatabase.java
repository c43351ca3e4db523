package dev.pgkeep.testsupport;

/**
 * Fills a database with the variety a backup must carry over: several schemas (one named {@code "Sales Data"}), an
 * enum and a domain, a sequence advanced to 4242, views and a materialized view, a plpgsql trigger function, a range
 * partitioned table with rows in both partitions, bytea/jsonb/arrays/numeric/timestamptz/uuid columns with NULLs and
 * awkward text (line breaks, tabs, backslashes, quotes, {@code Zürich ☃ 東京}), a large object, comments and an empty
 * table. Content is deterministic, so two databases made by {@link #create} have equal {@link DatabaseFingerprint}s.
 */
public final class SampleDatabase {
    /** The value {@code inventory.invoice_no} is advanced to. */
    public static final long INVOICE_SEQUENCE_VALUE = 4242;

    /** The OID of the sample large object (large object OIDs are per database, so a fixed one is safe). */
    public static final long LARGE_OBJECT_OID = 424242;

    /** Rows in {@code inventory.items}. */
    public static final int ITEM_ROWS = 200;

    private static final String SCHEMA_AND_DATA = """
            CREATE SCHEMA inventory;
            CREATE SCHEMA "Sales Data";
            CREATE SCHEMA audit;

            CREATE TYPE inventory.item_status AS ENUM ('draft', 'active', 'retired');
            CREATE DOMAIN inventory.positive_qty AS integer CHECK (VALUE >= 0);
            CREATE SEQUENCE inventory.invoice_no START 1000;

            CREATE TABLE inventory.items (
                id bigserial PRIMARY KEY,
                sku text NOT NULL UNIQUE,
                status inventory.item_status NOT NULL DEFAULT 'draft',
                qty inventory.positive_qty,
                price numeric(20,6),
                tags text[],
                dims int[],
                attrs jsonb,
                photo bytea,
                external_id uuid,
                created_at timestamptz NOT NULL,
                note text
            );
            COMMENT ON TABLE inventory.items IS 'Things we sell; a comment with ''quotes'' and Zürich';
            COMMENT ON COLUMN inventory.items.sku IS 'Stock keeping unit, unique';

            CREATE TABLE audit.item_events (
                id bigserial PRIMARY KEY,
                operation text NOT NULL,
                sku text NOT NULL,
                old_status inventory.item_status,
                new_status inventory.item_status
            );

            CREATE FUNCTION audit.record_item_change() RETURNS trigger
                LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO audit.item_events (operation, sku, new_status) VALUES (TG_OP, NEW.sku, NEW.status);
                ELSE
                    INSERT INTO audit.item_events (operation, sku, old_status, new_status)
                    VALUES (TG_OP, NEW.sku, OLD.status, NEW.status);
                END IF;
                RETURN NEW;
            END
            $fn$;
            CREATE TRIGGER items_audit AFTER INSERT OR UPDATE ON inventory.items
                FOR EACH ROW EXECUTE FUNCTION audit.record_item_change();

            CREATE TABLE audit.archived_events (LIKE audit.item_events);

            INSERT INTO inventory.items (sku, status, qty, price, tags, dims, attrs, photo, external_id, created_at, note)
            SELECT 'SKU-' || lpad(i::text, 5, '0'),
                   (ARRAY['draft', 'active', 'retired']::inventory.item_status[])[1 + i % 3],
                   CASE WHEN i % 7 = 0 THEN NULL ELSE i * 3 END,
                   CASE WHEN i % 11 = 0 THEN NULL ELSE round(i * 1.234567::numeric, 6) + 1000000000 END,
                   CASE WHEN i % 5 = 0 THEN NULL ELSE ARRAY['tag' || i % 4, 'x,y', 'quote"d', NULL] END,
                   CASE WHEN i % 6 = 0 THEN NULL ELSE ARRAY[i, i * 2, -i] END,
                   CASE WHEN i % 9 = 0 THEN NULL
                        ELSE jsonb_build_object('n', i, 'even', i % 2 = 0, 'name', 'item ' || i, 'nested',
                                                jsonb_build_array(i, 'a\\b', NULL)) END,
                   CASE WHEN i % 8 = 0 THEN NULL ELSE decode(md5(i::text) || '00ff0a0d5c27', 'hex') END,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE md5('uuid' || i)::uuid END,
                   timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour 17 minutes 3.25 seconds',
                   CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || i END
            FROM generate_series(1, %ITEM_ROWS%) AS i;

            INSERT INTO inventory.items (sku, status, qty, price, tags, attrs, photo, created_at, note) VALUES
                ('AWKWARD-1', 'active', 0, 0.000001, ARRAY[E'tab\\there', E'new\\nline'],
                 '{"quote": "a \\"b\\" c", "unicode": "Zürich ☃ 東京"}', '\\x00', '2026-11-25 02:00:00+01',
                 E'line one\\nline two\\ttabbed \\\\ backslash ''single'' "double"'),
                ('AWKWARD-2', 'retired', 7, 99999999999999.999999, ARRAY['Zürich ☃ 東京'], '[]', '\\x', '1999-12-31 23:59:59.999999+00',
                 'Zürich ☃ 東京'),
                ('AWKWARD-3', 'draft', NULL, -1.5, '{}', 'null', NULL, '2038-01-19 03:14:08+00', ''),
                ('AWKWARD-4', 'draft', 1, NULL, NULL, NULL, NULL, '1970-01-01 00:00:00+00',
                 E'\\\\N looks like COPY''s NULL marker; so does this:\\n\\\\.\\nend');

            UPDATE inventory.items SET status = 'active' WHERE sku IN ('SKU-00003', 'SKU-00006');

            CREATE TABLE "Sales Data".orders (
                id serial PRIMARY KEY,
                invoice_no bigint NOT NULL DEFAULT nextval('inventory.invoice_no'),
                item_id bigint NOT NULL REFERENCES inventory.items (id),
                quantity integer NOT NULL,
                "Customer Name" text,
                ordered_at timestamptz NOT NULL
            );
            COMMENT ON COLUMN "Sales Data".orders."Customer Name" IS 'Who ordered (may hold any text)';
            INSERT INTO "Sales Data".orders (item_id, quantity, "Customer Name", ordered_at)
            SELECT 1 + (i * 7) % %ITEM_ROWS%, 1 + i % 5,
                   CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'Zoë O''Brien' WHEN 2 THEN E'Tab\\tSeparated' ELSE 'Zürich ☃ 東京' END,
                   timestamptz '2026-06-01 12:00:00+00' + i * interval '1 day'
            FROM generate_series(1, 120) AS i;
            SELECT setval('inventory.invoice_no', %INVOICE%);

            CREATE TABLE "Sales Data".measurements (
                id integer NOT NULL,
                taken_on date NOT NULL,
                reading numeric(10,3)
            ) PARTITION BY RANGE (taken_on);
            CREATE TABLE "Sales Data".measurements_2025 PARTITION OF "Sales Data".measurements
                FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE "Sales Data".measurements_2026 PARTITION OF "Sales Data".measurements
                FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            INSERT INTO "Sales Data".measurements
            SELECT i, date '2025-07-01' + i * 3, CASE WHEN i % 13 = 0 THEN NULL ELSE i * 0.125 END
            FROM generate_series(1, 160) AS i;

            CREATE VIEW inventory.active_items AS
                SELECT id, sku, qty FROM inventory.items WHERE status = 'active';
            CREATE VIEW "Sales Data"."Order Summary" AS
                SELECT o.id, i.sku, o.quantity FROM "Sales Data".orders o JOIN inventory.items i ON i.id = o.item_id;
            CREATE MATERIALIZED VIEW "Sales Data".quantity_per_item AS
                SELECT item_id, sum(quantity) AS total FROM "Sales Data".orders GROUP BY item_id;
            CREATE INDEX quantity_per_item_total ON "Sales Data".quantity_per_item (total);

            CREATE TABLE public.documents (
                name text PRIMARY KEY,
                content oid
            );
            INSERT INTO public.documents VALUES
                ('contract.txt', lo_from_bytea(%LO_OID%,
                    convert_to(repeat(E'Large object line, Zürich ☃ 東京\\n', 50), 'UTF8')));
            CREATE TABLE public.empty_table (id integer PRIMARY KEY, payload text);
            """;

    private SampleDatabase() {}

    /** Creates {@code database} (when missing) and fills it with the sample content; takes well under a second. */
    public static void create(PostgresServer pg, String database) {
        if (!pg.databaseExists(database)) {
            pg.createDatabase(database);
        }
        pg.psql(
                database,
                SCHEMA_AND_DATA
                        .replace("%ITEM_ROWS%", Integer.toString(ITEM_ROWS))
                        .replace("%INVOICE%", Long.toString(INVOICE_SEQUENCE_VALUE))
                        .replace("%LO_OID%", Long.toString(LARGE_OBJECT_OID)));
    }

    /**
     * Creates {@code database} (when missing) and adds table {@code bulk.readings} with {@code rows} rows of
     * pseudo-random but deterministic content (about 100 bytes a row, badly compressible), for size and speed tests.
     */
    public static void createLarge(PostgresServer pg, String database, int rows) {
        if (!pg.databaseExists(database)) {
            pg.createDatabase(database);
        }
        pg.psql(database, """
                CREATE SCHEMA IF NOT EXISTS bulk;
                CREATE TABLE bulk.readings (
                    id bigint PRIMARY KEY,
                    sensor text NOT NULL,
                    reading double precision,
                    payload text,
                    taken_at timestamptz NOT NULL
                );
                SELECT setseed(0.4242);
                INSERT INTO bulk.readings
                SELECT i, 'sensor-' || (i % 97), random() * 1000, md5(random()::text) || md5(random()::text),
                       timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'
                FROM generate_series(1, %ROWS%) AS i;
                """.replace("%ROWS%", Integer.toString(rows)));
    }
}
