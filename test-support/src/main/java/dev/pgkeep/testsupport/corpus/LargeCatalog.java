package dev.pgkeep.testsupport.corpus;

import static dev.pgkeep.testsupport.PostgresServer.quoteIdentifier;
import static dev.pgkeep.testsupport.PostgresServer.quoteLiteral;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A catalog the size of a big production database: many schemas of tables that each have an identity primary key, a
 * foreign key to their schema's {@code tenant} table, a check constraint, a secondary index and comments, most
 * holding a few rows; one table range-partitioned by day into many partitions holding many rows; and some
 * identifiers exactly 63 bytes long (PostgreSQL's limit, so nothing is truncated), one of them with multibyte UTF-8
 * characters. The full size ({@link #full()}) gives pg_dump a table of contents of well over 5 MB; {@link #small()} is
 * quick enough for every build and still gives one far over 64 KiB.
 *
 * <pre>{@code
 * LargeCatalog.Report r = LargeCatalog.builder().tables(2000).schemas(20).partitions(1000).partitionRows(100_000)
 *         .build().create(CorpusTarget.of(pg, database));
 * }</pre>
 *
 * <p>Content is deterministic: two databases made with the same settings hold the same rows.
 */
public final class LargeCatalog {
    /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
    public static final int MAX_IDENTIFIER_BYTES = 63;

    private static final int TABLES_PER_TRANSACTION = 100;
    private static final int PARTITIONS_PER_TRANSACTION = 100;
    private static final LocalDate FIRST_DAY = LocalDate.of(2024, 1, 1);

    private static final String[] SUBJECTS = {
        "customer", "account", "invoice", "order", "shipment", "payment", "product", "supplier", "warehouse", "ledger",
        "contract", "employee", "campaign", "ticket", "subscription", "device", "document", "price", "tax", "region"
    };
    private static final String[] ASPECTS = {
        "line",
        "history",
        "address",
        "status",
        "note",
        "attachment",
        "rule",
        "snapshot",
        "item",
        "link",
        "setting",
        "score",
        "approval",
        "version",
        "tag",
        "event",
        "limit",
        "quota",
        "alias",
        "metric"
    };

    private final int schemas;
    private final int tables;
    private final int columnsPerTable;
    private final int rowsPerTable;
    private final int partitions;
    private final long partitionRows;
    private final boolean longIdentifiers;

    private LargeCatalog(Builder b) {
        this.schemas = b.schemas;
        this.tables = b.tables;
        this.columnsPerTable = b.columnsPerTable;
        this.rowsPerTable = b.rowsPerTable;
        this.partitions = b.partitions;
        this.partitionRows = b.partitionRows;
        this.longIdentifiers = b.longIdentifiers;
    }

    /** Settings to start from: the {@link #small()} size. */
    public static Builder builder() {
        return new Builder();
    }

    /** 2,000 tables in 20 schemas, 1,000 daily partitions holding 100,000 rows: a TOC of more than 5 MB. */
    public static Builder full() {
        return builder().schemas(20).tables(2000).partitions(1000).partitionRows(100_000);
    }

    /** 300 tables in 10 schemas, 100 partitions holding 10,000 rows: a TOC far over 64 KiB, made in seconds. */
    public static Builder small() {
        return builder().schemas(10).tables(300).partitions(100).partitionRows(10_000);
    }

    /** What {@link #create} made. */
    public record Report(
            String database,
            int schemas,
            int tables,
            int partitions,
            long partitionRows,
            long rowsInPlainTables,
            List<String> longIdentifiers,
            Duration elapsed) {
        public Report {
            longIdentifiers = List.copyOf(longIdentifiers);
        }
    }

    /** How big the catalog gets. */
    public static final class Builder {
        private int schemas = 10;
        private int tables = 300;
        private int columnsPerTable = 12;
        private int rowsPerTable = 3;
        private int partitions = 100;
        private long partitionRows = 10_000;
        private boolean longIdentifiers = true;

        private Builder() {}

        /** Schemas the plain tables are spread over (at least 1). */
        public Builder schemas(int value) {
            this.schemas = atLeast("schemas", value, 1);
            return this;
        }

        /** Plain tables in all (at least one per schema; the schema's {@code tenant} table counts). */
        public Builder tables(int value) {
            this.tables = atLeast("tables", value, 1);
            return this;
        }

        /** Columns of each plain table (at least 8; the ones past 8 are extra attributes of several types). */
        public Builder columnsPerTable(int value) {
            this.columnsPerTable = atLeast("columnsPerTable", value, 8);
            return this;
        }

        /** Rows in three of every four plain tables (the fourth stays empty); 0 leaves all of them empty. */
        public Builder rowsPerTable(int value) {
            this.rowsPerTable = atLeast("rowsPerTable", value, 0);
            return this;
        }

        /** Daily partitions of {@code events.daily_event}; 0 leaves the partitioned table out. */
        public Builder partitions(int value) {
            this.partitions = atLeast("partitions", value, 0);
            return this;
        }

        /** Rows spread evenly over the partitions. */
        public Builder partitionRows(long value) {
            this.partitionRows = atLeast("partitionRows", value, 0);
            return this;
        }

        /** Whether to add the schema, table, column and index named with exactly 63 bytes (default true). */
        public Builder longIdentifiers(boolean value) {
            this.longIdentifiers = value;
            return this;
        }

        public LargeCatalog build() {
            if (tables < schemas) {
                throw new IllegalArgumentException(
                        "tables (" + tables + ") must be at least schemas (" + schemas + ")");
            }
            return new LargeCatalog(this);
        }

        private static int atLeast(String what, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
            }
            return value;
        }

        private static long atLeast(String what, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }

    /** {@code prefix} padded with {@code _} and a repeating {@code 0..9} tail to exactly 63 bytes of UTF-8. */
    public static String identifierOf63Bytes(String prefix) {
        int bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES - 1) {
            throw new IllegalArgumentException("prefix is already " + bytes + " bytes: " + prefix);
        }
        StringBuilder sb = new StringBuilder(prefix).append('_');
        for (int i = 0; bytes + 1 + i < MAX_IDENTIFIER_BYTES; i++) {
            sb.append((char) ('0' + i % 10));
        }
        return sb.toString();
    }

    /** The schema of the long identifiers (exactly 63 bytes). */
    public static final String LONG_SCHEMA = identifierOf63Bytes("catalog_schema_whose_name_uses_every_byte_allowed");

    /** The table in {@link #LONG_SCHEMA} (exactly 63 bytes, with two-byte UTF-8 characters). */
    public static final String LONG_TABLE = identifierOf63Bytes("größenübersicht_der_lagerbestände_je_filiale");

    /** A column of {@link #LONG_TABLE} (exactly 63 bytes). */
    public static final String LONG_COLUMN = identifierOf63Bytes("durchschnittliche_lieferzeit_in_tagen");

    /** The secondary index on {@link #LONG_COLUMN} (exactly 63 bytes). */
    public static final String LONG_INDEX = identifierOf63Bytes("idx_lieferzeit_on_large_catalog_table_name");

    /** Creates the catalog in the (existing, preferably empty) database of {@code target}. */
    public Report create(CorpusTarget target) {
        long started = System.nanoTime();
        long plainRows = 0;
        List<String> schemaNames = new ArrayList<>();
        for (int s = 0; s < schemas; s++) {
            schemaNames.add(String.format("app_%02d_%s", s, SUBJECTS[s % SUBJECTS.length]));
        }
        // tables spread round-robin: schema s gets tables s, s + schemas, ...; table 0 of each schema is its tenant
        StringBuilder sql = new StringBuilder(tables * 1500);
        sql.append("SET client_min_messages = warning;\n");
        for (int s = 0; s < schemas; s++) {
            String schema = quoteIdentifier(schemaNames.get(s));
            sql.append("BEGIN;\nCREATE SCHEMA ").append(schema).append(";\n");
            sql.append("COMMENT ON SCHEMA ")
                    .append(schema)
                    .append(" IS ")
                    .append(quoteLiteral("Tables of the " + SUBJECTS[s % SUBJECTS.length] + " service, part " + s))
                    .append(";\n");
            sql.append("CREATE TABLE ").append(schema).append(".tenant (\n").append("""
                        id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                        name text NOT NULL UNIQUE,
                        created_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00'
                    );
                    """);
            sql.append("COMMENT ON TABLE ").append(schema).append(".tenant IS 'Who owns the rows of this schema';\n");
            sql.append("INSERT INTO ")
                    .append(schema)
                    .append(".tenant (name) SELECT 'tenant ' || i FROM generate_series(1, 10) AS i;\n");
            int inTransaction = 0;
            for (int t = schemas + s; t < tables; t += schemas) {
                boolean withRows = t % 4 != 3 && rowsPerTable > 0;
                appendTable(sql, schema, t, withRows);
                if (withRows) {
                    plainRows += rowsPerTable;
                }
                if (++inTransaction % TABLES_PER_TRANSACTION == 0) {
                    sql.append("COMMIT;\nBEGIN;\n");
                }
            }
            sql.append("COMMIT;\n");
        }
        List<String> longNames = new ArrayList<>();
        if (longIdentifiers) {
            appendLongIdentifiers(sql, quoteIdentifier(schemaNames.get(0)));
            longNames.addAll(List.of(LONG_SCHEMA, LONG_TABLE, LONG_COLUMN, LONG_INDEX));
        }
        target.execute(sql.toString());
        if (partitions > 0) {
            createPartitions(target);
        }
        return new Report(
                target.database(),
                schemas + (longIdentifiers ? 1 : 0) + (partitions > 0 ? 1 : 0),
                tables + (longIdentifiers ? 1 : 0),
                partitions,
                partitions > 0 ? partitionRows : 0,
                plainRows,
                longNames,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void appendTable(StringBuilder sql, String schema, int t, boolean withRows) {
        String subject = SUBJECTS[t % SUBJECTS.length];
        String aspect = ASPECTS[(t / SUBJECTS.length) % ASPECTS.length];
        String name = String.format("%s_%s_%04d", subject, aspect, t);
        String table = schema + "." + quoteIdentifier(name);
        sql.append("CREATE TABLE ").append(table).append(" (\n");
        sql.append("    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n");
        sql.append("    tenant_id integer NOT NULL REFERENCES ").append(schema).append(".tenant (id),\n");
        sql.append("    code text NOT NULL,\n");
        sql.append("    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')),\n");
        sql.append("    amount numeric(14,2),\n");
        sql.append("    attributes jsonb NOT NULL DEFAULT '{}',\n");
        sql.append("    created_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00',\n");
        sql.append("    updated_at timestamptz");
        for (int c = 9; c <= columnsPerTable; c++) {
            sql.append(",\n    ").append(extraColumn(c));
        }
        sql.append("\n);\n");
        String index = String.format("%s_%s_%04d_tenant_code_idx", subject, aspect, t);
        sql.append("CREATE INDEX ")
                .append(quoteIdentifier(index))
                .append(" ON ")
                .append(table)
                .append(" (tenant_id, code);\n");
        sql.append("COMMENT ON TABLE ")
                .append(table)
                .append(" IS ")
                .append(quoteLiteral("The " + aspect + " records of each " + subject + " (table " + t
                        + "); rows are kept for seven years and archived by the nightly job, see the runbook."))
                .append(";\n");
        sql.append("COMMENT ON COLUMN ")
                .append(table)
                .append(".code IS 'Business key, unique per tenant by convention only';\n");
        if (withRows) {
            sql.append("INSERT INTO ")
                    .append(table)
                    .append(" (tenant_id, code, status, amount, attributes, updated_at) SELECT 1 + i % 10, '")
                    .append(subject)
                    .append("-' || i, (ARRAY['new', 'active', 'closed'])[1 + i % 3], round(i * 12.5 + ")
                    .append(t)
                    .append(", 2), jsonb_build_object('n', i, 'table', ")
                    .append(t)
                    .append("), CASE WHEN i % 2 = 0 THEN timestamptz '2026-02-01 00:00:00+00' + i * interval '1 hour'")
                    .append(" END FROM generate_series(1, ")
                    .append(rowsPerTable)
                    .append(") AS i;\n");
        }
    }

    private static String extraColumn(int c) {
        return switch (c % 6) {
            case 0 -> String.format("attr_%02d integer NOT NULL DEFAULT %d", c, c);
            case 1 -> String.format("attr_%02d text", c);
            case 2 -> String.format("attr_%02d boolean DEFAULT false", c);
            case 3 -> String.format("attr_%02d date", c);
            case 4 -> String.format("attr_%02d numeric(10,3) CHECK (attr_%02d >= 0)", c, c);
            default -> String.format("attr_%02d varchar(80) DEFAULT 'n/a'", c);
        };
    }

    private void appendLongIdentifiers(StringBuilder sql, String tenantSchema) {
        String schema = quoteIdentifier(LONG_SCHEMA);
        String table = schema + "." + quoteIdentifier(LONG_TABLE);
        String column = quoteIdentifier(LONG_COLUMN);
        sql.append("BEGIN;\nCREATE SCHEMA ").append(schema).append(";\n");
        sql.append("COMMENT ON SCHEMA ").append(schema).append(" IS 'Its name is exactly 63 bytes long';\n");
        sql.append("CREATE TABLE ").append(table).append(" (\n");
        sql.append("    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n");
        sql.append("    tenant_id integer NOT NULL REFERENCES ")
                .append(tenantSchema)
                .append(".tenant (id),\n");
        sql.append("    ").append(column).append(" numeric(6,2) NOT NULL\n);\n");
        sql.append("CREATE INDEX ")
                .append(quoteIdentifier(LONG_INDEX))
                .append(" ON ")
                .append(table)
                .append(" (")
                .append(column)
                .append(");\n");
        sql.append("COMMENT ON TABLE ")
                .append(table)
                .append(" IS 'Schema, table, column and index names of 63 bytes';\n");
        sql.append("COMMENT ON COLUMN ")
                .append(table)
                .append('.')
                .append(column)
                .append(" IS 'Also 63 bytes';\n");
        sql.append("INSERT INTO ")
                .append(table)
                .append(" (tenant_id, ")
                .append(column)
                .append(") SELECT 1 + i % 10, i / 4.0 FROM generate_series(1, 25) AS i;\nCOMMIT;\n");
    }

    private void createPartitions(CorpusTarget target) {
        String parent = "events.daily_event";
        StringBuilder sql = new StringBuilder();
        sql.append("SET client_min_messages = warning;\nCREATE SCHEMA events;\n");
        sql.append("""
                CREATE TABLE events.daily_event (
                    id bigint NOT NULL,
                    occurred_on date NOT NULL,
                    tenant_id integer NOT NULL,
                    kind text NOT NULL,
                    payload jsonb,
                    PRIMARY KEY (id, occurred_on)
                ) PARTITION BY RANGE (occurred_on);
                CREATE INDEX daily_event_tenant_kind_idx ON events.daily_event (tenant_id, kind);
                COMMENT ON TABLE events.daily_event IS 'Everything that happened, one partition per day';
                """);
        for (int from = 0; from < partitions; from += PARTITIONS_PER_TRANSACTION) {
            int to = Math.min(partitions, from + PARTITIONS_PER_TRANSACTION) - 1;
            // one transaction per batch keeps the locks held well below max_locks_per_transaction
            sql.append("DO $corpus$\nBEGIN\n    FOR d IN ")
                    .append(from)
                    .append("..")
                    .append(to)
                    .append(" LOOP\n")
                    .append("        EXECUTE format('CREATE TABLE events.%I PARTITION OF ")
                    .append(parent)
                    .append(" FOR VALUES FROM (%L) TO (%L)',\n")
                    .append("            'daily_event_' || to_char(date '")
                    .append(FIRST_DAY)
                    .append("' + d, 'YYYYMMDD'), date '")
                    .append(FIRST_DAY)
                    .append("' + d, date '")
                    .append(FIRST_DAY)
                    .append("' + d + 1);\n")
                    .append(
                            "        EXECUTE format('COMMENT ON TABLE events.%I IS %L', 'daily_event_' || to_char(date '")
                    .append(FIRST_DAY)
                    .append("' + d, 'YYYYMMDD'), 'Events of day ' || d);\n")
                    .append("    END LOOP;\nEND\n$corpus$;\n");
        }
        // rows 0..n-1 go to day (i * partitions / n), so each INSERT below touches one batch of partitions
        long batchRows = Math.max(1, partitionRows * PARTITIONS_PER_TRANSACTION / partitions);
        for (long lo = 0; lo < partitionRows; lo += batchRows) {
            long hi = Math.min(partitionRows, lo + batchRows) - 1;
            sql.append("INSERT INTO ")
                    .append(parent)
                    .append(" SELECT i, date '")
                    .append(FIRST_DAY)
                    .append("' + (i * ")
                    .append(partitions)
                    .append(" / ")
                    .append(partitionRows)
                    .append(")::integer, 1 + i % 10, (ARRAY['login', 'export', 'payment', 'error'])[1 + i % 4],")
                    .append(" CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('seq', i, 'ok', i % 7 <> 0) END")
                    .append(" FROM generate_series(")
                    .append(lo)
                    .append("::bigint, ")
                    .append(hi)
                    .append(") AS i;\n");
        }
        target.execute(sql.toString());
    }
}
