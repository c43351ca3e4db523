package dev.pgkeep.testsupport.corpus;

import static dev.pgkeep.testsupport.PostgresServer.quoteIdentifier;
import static dev.pgkeep.testsupport.PostgresServer.quoteLiteral;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One database holding every kind of object pg_dump writes, on PostgreSQL 13 to 18: contrib extensions (and PostGIS
 * when the server has it), domains with constraints, composite, enum and range types, operators, operator classes
 * and families, casts, conversions, aggregates, procedures, ICU, libc and builtin collations, text search parsers,
 * templates, dictionaries and configurations, table and index access methods, rules, row-level security policies,
 * event triggers, publications, a subscription (not connected), foreign data wrappers, servers, user mappings and
 * foreign tables, column-level and default privileges and grants made by a non-owner, several owner roles, sequences
 * owned by columns, identity and generated columns, deferrable, exclusion and {@code NOT VALID} constraints (with
 * rows that violate them), partial, expression and INCLUDE indexes of every built-in kind, list, hash and
 * sub-partitioned tables, inheritance, typed, unlogged and 1,000-column tables, populated and unpopulated
 * materialized views, dropped columns, 10,000 large objects with owners, grants and comments, and optionally
 * ({@link Builder#heavy}) rows of 100 MB in {@code bytea} and in {@code text}.
 *
 * <p>Syntax that differs between majors is chosen by {@code server_version_num}; extensions by {@code
 * pg_available_extensions}. What could not be made is listed in {@link Report#skipped()}, with the reason.
 *
 * <p>Roles are cluster-wide, so their names carry a suffix unique per call ({@link Report#roles()}); after dropping
 * every database made from this corpus (including restored copies, see {@link #dropDatabase}), remove them with
 * {@link #dropRoles}.
 */
public final class EveryObjectKind {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SUFFIX = Pattern.compile("[a-z0-9_]{1,20}");
    private static final List<String> CONTRIB =
            List.of("pg_trgm", "btree_gist", "hstore", "citext", "ltree", "pgcrypto", "uuid-ossp");

    private final boolean heavy;
    private final long heavyRowBytes;
    private final int largeObjects;
    private final int wideColumns;
    private final boolean subscription;
    private final boolean notValidDomainViolations;
    private final String roleSuffix;

    private EveryObjectKind(Builder b) {
        this.heavy = b.heavy;
        this.heavyRowBytes = b.heavyRowBytes;
        this.largeObjects = b.largeObjects;
        this.wideColumns = b.wideColumns;
        this.subscription = b.subscription;
        this.notValidDomainViolations = b.notValidDomainViolations;
        this.roleSuffix = b.roleSuffix != null ? b.roleSuffix : randomSuffix();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What {@link #create} made and left out. */
    public record Report(
            String database,
            int serverVersionNum,
            List<String> roles,
            List<String> extensions,
            List<String> skipped,
            Duration elapsed) {
        public Report {
            roles = List.copyOf(roles);
            extensions = List.copyOf(extensions);
            skipped = List.copyOf(skipped);
        }

        /** The role that owns most of the schema {@code corpus}. */
        public String ownerRole() {
            return roles.get(0);
        }
    }

    /** Settings; the defaults are the light variant that suits every build. */
    public static final class Builder {
        private boolean heavy;
        private long heavyRowBytes = 100L * 1024 * 1024;
        private int largeObjects = 10_000;
        private int wideColumns = 1_000;
        private boolean subscription = true;
        private boolean notValidDomainViolations = true;
        private @Nullable String roleSuffix;

        private Builder() {}

        /** Adds schema {@code corpus_heavy} with one row of {@link #heavyRowBytes} in bytea and one in text. */
        public Builder heavy(boolean value) {
            this.heavy = value;
            return this;
        }

        /** Size of each heavy row (default 100 MiB). */
        public Builder heavyRowBytes(long value) {
            if (value < 32 || value > 500L * 1024 * 1024) {
                throw new IllegalArgumentException("heavyRowBytes must be 32 B to 500 MiB, got " + value);
            }
            this.heavyRowBytes = value;
            return this;
        }

        /** Large objects to create (default 10,000). */
        public Builder largeObjects(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("largeObjects must not be negative");
            }
            this.largeObjects = value;
            return this;
        }

        /** Columns of {@code corpus.wide_measurement} (default 1,000; PostgreSQL allows 1,600). */
        public Builder wideColumns(int value) {
            if (value < 2 || value > 1600) {
                throw new IllegalArgumentException("wideColumns must be 2 to 1600, got " + value);
            }
            this.wideColumns = value;
            return this;
        }

        /**
         * Whether to create a subscription (never connected; default true). A database holding one cannot be dropped
         * with a plain {@code DROP DATABASE}; use {@link EveryObjectKind#dropDatabase}.
         */
        public Builder subscription(boolean value) {
            this.subscription = value;
            return this;
        }

        /**
         * Whether a row violates the {@code NOT VALID} constraint of domain {@code corpus.percent} (default true).
         * pg_dump restores that constraint after the data; a parallel pg_restore ({@code -j}, PostgreSQL 15 to 18 at
         * least) does not wait for the tables using the domain, so their COPY fails. Turn it off to test parallel
         * restores of everything else.
         */
        public Builder notValidDomainViolations(boolean value) {
            this.notValidDomainViolations = value;
            return this;
        }

        /** Suffix of the role names ({@code [a-z0-9_]}, up to 20 characters); random unless given. */
        public Builder roleSuffix(String value) {
            if (!SUFFIX.matcher(value).matches()) {
                throw new IllegalArgumentException("roleSuffix must match " + SUFFIX + ", got " + value);
            }
            this.roleSuffix = value;
            return this;
        }

        public EveryObjectKind build() {
            return new EveryObjectKind(this);
        }
    }

    /** The roles this corpus creates, in order: owner, app, reader, auditor. */
    public List<String> roles() {
        return List.of(
                "corpus_" + roleSuffix + "_owner",
                "corpus_" + roleSuffix + "_app",
                "corpus_" + roleSuffix + "_reader",
                "corpus_" + roleSuffix + "_auditor");
    }

    /** Creates the corpus (and its roles, when missing) in the existing, empty database of {@code target}. */
    public Report create(CorpusTarget target) {
        long started = System.nanoTime();
        int v = target.serverVersionNum();
        Set<String> available = target.availableExtensions();
        List<String> skipped = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        for (String ext : CONTRIB) {
            if (available.contains(ext)) {
                extensions.add(ext);
            } else {
                skipped.add("extension " + ext + ": not in pg_available_extensions");
            }
        }
        boolean postgis = available.contains("postgis");
        if (postgis) {
            extensions.add("postgis");
        } else {
            skipped.add("extension postgis: not in pg_available_extensions (Debian: postgresql-NN-postgis-3)");
        }
        boolean postgresFdw = available.contains("postgres_fdw");
        if (postgresFdw) {
            extensions.add("postgres_fdw");
        } else {
            skipped.add("postgres_fdw server and user mapping: postgres_fdw not in pg_available_extensions"
                    + " (a wrapper without handler stands in)");
        }
        boolean icu = !target.query("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
                .isBlank();
        if (!icu) {
            skipped.add("ICU collations: the server was built without ICU");
        }
        String libcLocale = target.query("""
                SELECT collcollate FROM pg_collation
                WHERE collprovider = 'c' AND collname NOT IN ('C', 'POSIX', 'default', 'ucs_basic')
                  AND collencoding IN (-1, 6) AND collcollate IS NOT NULL
                ORDER BY collname LIMIT 1
                """).strip();
        if (libcLocale.isEmpty()) {
            skipped.add("libc collation from an OS locale: the server knows no libc locale besides C and POSIX"
                    + " (a copy of \"C\" stands in)");
        }
        Gate gate = new Gate(v, skipped);
        Ctx c = new Ctx(
                v, Set.copyOf(extensions), postgis, postgresFdw, icu, libcLocale, notValidDomainViolations, gate);

        createRoles(target);
        target.execute(replaceRoles(c.sql()));
        if (largeObjects > 0) {
            target.execute(replaceRoles(largeObjectsSql()));
        }
        target.execute(wideTableSql());
        if (heavy) {
            target.execute(heavySql());
        }
        target.execute(replaceRoles(c.lateSql(subscription, target.database())));
        return new Report(
                target.database(), v, roles(), extensions, skipped, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Creates the roles when missing (cluster-wide; {@code NOLOGIN}). */
    private void createRoles(CorpusTarget target) {
        StringBuilder sql = new StringBuilder();
        for (String role : roles()) {
            sql.append("DO $corpus$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ")
                    .append(quoteLiteral(role))
                    .append(") THEN CREATE ROLE ")
                    .append(quoteIdentifier(role))
                    .append(" NOLOGIN; END IF; END $corpus$;\n");
        }
        target.execute(sql.toString());
    }

    /**
     * Drops {@code database} after dropping its subscriptions (which a plain {@code DROP DATABASE} refuses); {@code
     * maintenance} is any other database on the same server. Does nothing when the database is missing.
     */
    public static void dropDatabase(CorpusTarget maintenance, String database) {
        if (!maintenance.databaseExists(database)) {
            return;
        }
        CorpusTarget db = maintenance.withDatabase(database);
        for (String sub : CorpusTarget.lines(
                db.query("SELECT quote_ident(subname) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database"
                        + " WHERE datname = current_database())"))) {
            db.execute("ALTER SUBSCRIPTION " + sub + " DISABLE;\nALTER SUBSCRIPTION " + sub
                    + " SET (slot_name = NONE);\nDROP SUBSCRIPTION " + sub + ";");
        }
        maintenance.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)");
    }

    /**
     * Drops the corpus roles. Every database holding objects of theirs must be dropped first (or their objects
     * reassigned); the privileges granted to them elsewhere are removed with {@code DROP OWNED} in {@code
     * maintenance}'s database.
     */
    public static void dropRoles(CorpusTarget maintenance, List<String> roles) {
        StringBuilder sql = new StringBuilder();
        for (String role : roles) {
            sql.append("DO $corpus$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = ")
                    .append(quoteLiteral(role))
                    .append(") THEN EXECUTE 'DROP OWNED BY ")
                    .append(quoteIdentifier(role).replace("'", "''"))
                    .append("'; EXECUTE 'DROP ROLE ")
                    .append(quoteIdentifier(role).replace("'", "''"))
                    .append("'; END IF; END $corpus$;\n");
        }
        maintenance.execute(sql.toString());
    }

    private String replaceRoles(String sql) {
        List<String> r = roles();
        return sql.replace("{owner}", quoteIdentifier(r.get(0)))
                .replace("{app}", quoteIdentifier(r.get(1)))
                .replace("{reader}", quoteIdentifier(r.get(2)))
                .replace("{auditor}", quoteIdentifier(r.get(3)))
                .replace("{owner_name}", r.get(0))
                .replace("{app_name}", r.get(1))
                .replace("{reader_name}", r.get(2));
    }

    private String largeObjectsSql() {
        return """
                CREATE TABLE corpus.attachment (
                    id integer PRIMARY KEY,
                    name text NOT NULL,
                    content oid NOT NULL
                );
                COMMENT ON TABLE corpus.attachment IS 'Rows pointing at large objects';
                INSERT INTO corpus.attachment
                SELECT i, 'file-' || i || '.txt',
                       lo_from_bytea(0, convert_to(repeat('large object ' || i || E' Zürich\\n', 1 + i % 20), 'UTF8'))
                FROM generate_series(1, %LOS%) AS i;
                -- one of a mebibyte, written in pieces like a client would
                SELECT lo_put(content, 1048575, '\\x00') FROM corpus.attachment WHERE id = 1;
                DO $corpus$
                DECLARE
                    o oid;
                BEGIN
                    FOR o IN SELECT content FROM corpus.attachment WHERE id % 500 = 0 ORDER BY id LOOP
                        EXECUTE format('ALTER LARGE OBJECT %s OWNER TO %I', o, '{owner_name}');
                        EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I', o, '{reader_name}');
                        EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', o, 'scanned contract ' || o);
                    END LOOP;
                END
                $corpus$;
                """.replace("%LOS%", Integer.toString(largeObjects));
    }

    private String wideTableSql() {
        StringBuilder create = new StringBuilder("CREATE TABLE corpus.wide_measurement (\n    id integer PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO corpus.wide_measurement SELECT i");
        for (int col = 1; col < wideColumns; col++) {
            String name = String.format(Locale.ROOT, "m%04d", col);
            switch (col % 10) {
                case 0 -> {
                    create.append(",\n    ").append(name).append(" text");
                    insert.append(", CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || i || '_")
                            .append(col)
                            .append("' END");
                }
                case 1 -> {
                    create.append(",\n    ").append(name).append(" boolean");
                    insert.append(", (i + ").append(col).append(") % 2 = 0");
                }
                case 2 -> {
                    create.append(",\n    ").append(name).append(" smallint");
                    insert.append(", ((i * ").append(col).append(") % 30000)::smallint");
                }
                default -> {
                    create.append(",\n    ").append(name).append(" integer");
                    insert.append(", CASE WHEN (i + ")
                            .append(col)
                            .append(") % 17 = 0 THEN NULL ELSE i * ")
                            .append(col)
                            .append(" END");
                }
            }
        }
        create.append("\n);\n");
        insert.append(" FROM generate_series(1, 25) AS i;\n");
        return create
                + "COMMENT ON TABLE corpus.wide_measurement IS " + quoteLiteral(wideColumns + " columns") + ";\n"
                + insert;
    }

    private String heavySql() {
        long md5s = heavyRowBytes / 16;
        long hexes = heavyRowBytes / 32;
        return """
                CREATE SCHEMA corpus_heavy;
                CREATE TABLE corpus_heavy.blob_row (id integer PRIMARY KEY, payload bytea NOT NULL);
                ALTER TABLE corpus_heavy.blob_row ALTER COLUMN payload SET STORAGE EXTERNAL;
                CREATE TABLE corpus_heavy.text_row (id integer PRIMARY KEY, body text NOT NULL);
                COMMENT ON TABLE corpus_heavy.blob_row IS 'One incompressible bytea value of %BYTES% bytes';
                COMMENT ON TABLE corpus_heavy.text_row IS 'One text value of %BYTES% bytes (hex digits)';
                INSERT INTO corpus_heavy.blob_row
                SELECT 1, decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FROM generate_series(1, %MD5S%) AS i;
                INSERT INTO corpus_heavy.text_row
                SELECT 1, string_agg(md5(i::text), '' ORDER BY i) FROM generate_series(1, %HEXES%) AS i;
                INSERT INTO corpus_heavy.blob_row VALUES (2, '\\x'), (3, '\\x00ff');
                INSERT INTO corpus_heavy.text_row VALUES (2, ''), (3, 'small');
                """.replace("%BYTES%", Long.toString(heavyRowBytes))
                .replace("%MD5S%", Long.toString(md5s))
                .replace("%HEXES%", Long.toString(hexes));
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Decides whether a version-dependent feature is made, and records it in the skip list when not. */
    private record Gate(int versionNum, List<String> skipped) {
        boolean since(int major, String feature) {
            if (versionNum >= major * 10000) {
                return true;
            }
            String why = feature + ": needs PostgreSQL " + major + "+ (server is " + versionNum / 10000 + ")";
            if (!skipped.contains(why)) {
                skipped.add(why);
            }
            return false;
        }
    }

    /** The SQL, chosen for one server. */
    private record Ctx(
            int v,
            Set<String> ext,
            boolean postgis,
            boolean postgresFdw,
            boolean icu,
            String libcLocale,
            boolean notValidDomainViolations,
            Gate gate) {

        boolean has(String extension) {
            return ext.contains(extension);
        }

        String sql() {
            StringBuilder s = new StringBuilder(64 * 1024);
            s.append("SET client_min_messages = warning;\n");
            schemasAndExtensions(s);
            types(s);
            collations(s);
            textSearch(s);
            functionsAndOperators(s);
            accessMethods(s);
            tables(s);
            partitions(s);
            triggersRulesPolicies(s);
            data(s);
            afterData(s);
            viewsAndMatviews(s);
            privileges(s);
            return s.toString();
        }

        private void schemasAndExtensions(StringBuilder s) {
            s.append("""
                    CREATE SCHEMA corpus_ext;
                    COMMENT ON SCHEMA corpus_ext IS 'Extensions live here';
                    GRANT USAGE ON SCHEMA corpus_ext TO PUBLIC;
                    CREATE SCHEMA corpus AUTHORIZATION {owner};
                    COMMENT ON SCHEMA corpus IS 'The main application schema';
                    CREATE SCHEMA corpus_app AUTHORIZATION {app};
                    CREATE SCHEMA "Corpus Reports";
                    GRANT USAGE ON SCHEMA corpus TO {app}, {reader}, {auditor};
                    GRANT USAGE ON SCHEMA corpus_app TO {reader};
                    SET search_path = corpus, corpus_ext, public;
                    """);
            for (String e : CONTRIB) {
                if (has(e)) {
                    s.append("CREATE EXTENSION ").append(quoteIdentifier(e)).append(" SCHEMA corpus_ext;\n");
                }
            }
            if (has("pg_trgm")) {
                s.append("COMMENT ON EXTENSION pg_trgm IS 'trigram matching (comment changed by the corpus)';\n");
            }
            if (postgis) {
                s.append("CREATE EXTENSION postgis SCHEMA public;\n");
            }
            if (postgresFdw) {
                s.append("CREATE EXTENSION postgres_fdw SCHEMA corpus_ext;\n");
            }
        }

        private void types(StringBuilder s) {
            s.append("""
                    CREATE TYPE corpus.mood AS ENUM ('sad', 'ok', 'happy');
                    ALTER TYPE corpus.mood ADD VALUE 'ecstatic' AFTER 'happy';
                    ALTER TYPE corpus.mood ADD VALUE 'meh' BEFORE 'ok';
                    COMMENT ON TYPE corpus.mood IS 'An enum whose labels were added out of order';
                    CREATE TYPE corpus.address AS (street text, city text, zip varchar(10), geo point);
                    COMMENT ON COLUMN corpus.address.zip IS 'A comment on a composite type attribute';
                    CREATE TYPE corpus.money_amount AS (amount numeric(14,2), currency char(3));
                    CREATE TYPE corpus.timerange AS RANGE (subtype = time);
                    CREATE DOMAIN corpus.positive_int AS integer NOT NULL DEFAULT 1
                        CONSTRAINT positive CHECK (VALUE > 0);
                    CREATE DOMAIN corpus.percent AS numeric(5,2)
                        CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100)
                        CONSTRAINT percent_quarter_steps CHECK (VALUE * 4 = round(VALUE * 4));
                    COMMENT ON CONSTRAINT percent_range ON DOMAIN corpus.percent IS 'A comment on a domain constraint';
                    CREATE DOMAIN corpus.us_zip AS text COLLATE "C" CHECK (VALUE ~ '^[0-9]{5}$');
                    CREATE DOMAIN corpus.tag_list AS text[] CHECK (cardinality(VALUE) <= 10);
                    CREATE DOMAIN corpus.located_address AS corpus.address CHECK ((VALUE).city IS NOT NULL);
                    ALTER DOMAIN corpus.located_address OWNER TO {owner};
                    """);
            if (v >= 140000) {
                s.append("CREATE TYPE corpus.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi,"
                        + " multirange_type_name = corpus.floatranges);\n");
            } else {
                gate.since(14, "range type with a named multirange type");
                s.append("CREATE TYPE corpus.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);\n");
            }
            if (has("citext")) {
                s.append("CREATE DOMAIN corpus.email AS corpus_ext.citext"
                        + " CONSTRAINT email_shape CHECK (VALUE ~ '^[^@ ]+@[^@ ]+$');\n");
            } else {
                s.append(
                        "CREATE DOMAIN corpus.email AS text CONSTRAINT email_shape CHECK (VALUE ~ '^[^@ ]+@[^@ ]+$');\n");
            }
        }

        private void collations(StringBuilder s) {
            s.append("CREATE COLLATION corpus.c_copy FROM \"C\";\n");
            s.append("CREATE COLLATION corpus.libc_posix (provider = libc, locale = 'POSIX');\n");
            if (!libcLocale.isEmpty()) {
                s.append("CREATE COLLATION corpus.libc_os (provider = libc, locale = ")
                        .append(quoteLiteral(libcLocale))
                        .append(");\n");
            }
            if (icu) {
                s.append("""
                        CREATE COLLATION corpus.german_phonebook (provider = icu, locale = 'de-u-co-phonebk');
                        CREATE COLLATION corpus.case_insensitive (provider = icu, locale = 'und-u-ks-level2',
                            deterministic = false);
                        COMMENT ON COLLATION corpus.case_insensitive IS 'Nondeterministic ICU collation';
                        """);
                if (gate.since(16, "ICU collation with tailoring rules")) {
                    s.append("CREATE COLLATION corpus.icu_rules (provider = icu, locale = 'und',"
                            + " rules = '&V << w <<< W');\n");
                }
            }
            if (gate.since(17, "builtin collation provider")) {
                s.append("CREATE COLLATION corpus.builtin_c_utf8 (provider = builtin, locale = 'C.UTF-8');\n");
            }
            if (gate.since(18, "builtin PG_UNICODE_FAST collation")) {
                s.append("CREATE COLLATION corpus.builtin_unicode (provider = builtin, locale = 'PG_UNICODE_FAST');\n");
            }
        }

        private String textCollation() {
            return icu ? "corpus.german_phonebook" : "corpus.c_copy";
        }

        private void textSearch(StringBuilder s) {
            s.append("""
                    CREATE TEXT SEARCH PARSER corpus.plain_parser (START = prsd_start, GETTOKEN = prsd_nexttoken,
                        END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
                    CREATE TEXT SEARCH TEMPLATE corpus.plain_template (INIT = dsimple_init, LEXIZE = dsimple_lexize);
                    CREATE TEXT SEARCH DICTIONARY corpus.plain_dict (TEMPLATE = corpus.plain_template,
                        STOPWORDS = english, ACCEPT = false);
                    CREATE TEXT SEARCH DICTIONARY corpus.english_stem (TEMPLATE = snowball, LANGUAGE = english,
                        STOPWORDS = english);
                    CREATE TEXT SEARCH CONFIGURATION corpus.product_search (PARSER = corpus.plain_parser);
                    ALTER TEXT SEARCH CONFIGURATION corpus.product_search
                        ADD MAPPING FOR asciiword, word, numword WITH corpus.plain_dict, corpus.english_stem;
                    CREATE TEXT SEARCH CONFIGURATION corpus.english_copy (COPY = pg_catalog.english);
                    ALTER TEXT SEARCH CONFIGURATION corpus.english_copy
                        ALTER MAPPING FOR hword, hword_part, word WITH corpus.english_stem;
                    ALTER TEXT SEARCH CONFIGURATION corpus.english_copy DROP MAPPING FOR email, url;
                    COMMENT ON TEXT SEARCH CONFIGURATION corpus.product_search IS 'A configuration on its own parser';
                    COMMENT ON TEXT SEARCH DICTIONARY corpus.plain_dict IS 'A dictionary on its own template';
                    ALTER TEXT SEARCH CONFIGURATION corpus.english_copy OWNER TO {owner};
                    ALTER TEXT SEARCH DICTIONARY corpus.english_stem OWNER TO {owner};
                    """);
        }

        private void functionsAndOperators(StringBuilder s) {
            s.append("""
                    CREATE FUNCTION corpus.money_add(a corpus.money_amount, b corpus.money_amount)
                        RETURNS corpus.money_amount LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                        AS $$ SELECT ROW((a).amount + (b).amount, (a).currency)::corpus.money_amount $$;
                    CREATE FUNCTION corpus.money_negate(a corpus.money_amount) RETURNS corpus.money_amount
                        LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT ROW(-(a).amount, (a).currency)::corpus.money_amount $$;
                    CREATE OPERATOR corpus.+ (LEFTARG = corpus.money_amount, RIGHTARG = corpus.money_amount,
                        FUNCTION = corpus.money_add, COMMUTATOR = OPERATOR(corpus.+));
                    CREATE OPERATOR corpus.- (RIGHTARG = corpus.money_amount, FUNCTION = corpus.money_negate);
                    COMMENT ON OPERATOR corpus.+ (corpus.money_amount, corpus.money_amount) IS 'Adds amounts';
                    CREATE FUNCTION corpus.ci_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
                        AS 'SELECT lower($1) = lower($2)';
                    CREATE FUNCTION corpus.ci_ne(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
                        AS 'SELECT lower($1) <> lower($2)';
                    CREATE OPERATOR corpus.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = corpus.ci_eq,
                        COMMUTATOR = OPERATOR(corpus.===), NEGATOR = OPERATOR(corpus.!==),
                        RESTRICT = eqsel, JOIN = eqjoinsel);
                    CREATE OPERATOR corpus.!== (LEFTARG = text, RIGHTARG = text, FUNCTION = corpus.ci_ne,
                        COMMUTATOR = OPERATOR(corpus.!==), NEGATOR = OPERATOR(corpus.===),
                        RESTRICT = neqsel, JOIN = neqjoinsel);
                    ALTER OPERATOR corpus.=== (text, text) OWNER TO {owner};
                    CREATE FUNCTION corpus.int4_reverse_cmp(integer, integer) RETURNS integer
                        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT btint4cmp($2, $1)';
                    CREATE OPERATOR FAMILY corpus.int4_reverse_family USING btree;
                    CREATE OPERATOR CLASS corpus.int4_reverse_ops FOR TYPE integer USING btree
                        FAMILY corpus.int4_reverse_family AS
                        OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <,
                        FUNCTION 1 corpus.int4_reverse_cmp(integer, integer);
                    COMMENT ON OPERATOR CLASS corpus.int4_reverse_ops USING btree IS 'Sorts integers backwards';
                    COMMENT ON OPERATOR FAMILY corpus.int4_reverse_family USING btree IS 'Family of the above';
                    CREATE FUNCTION corpus.money_to_text(corpus.money_amount) RETURNS text
                        LANGUAGE sql IMMUTABLE STRICT
                        AS $$ SELECT to_char(($1).amount, 'FM999999999990.00') || ' ' || ($1).currency $$;
                    CREATE CAST (corpus.money_amount AS text) WITH FUNCTION corpus.money_to_text(corpus.money_amount)
                        AS ASSIGNMENT;
                    CREATE FUNCTION corpus.mood_rank(corpus.mood) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
                        AS $$ SELECT array_position(enum_range(NULL::corpus.mood), $1) $$;
                    CREATE CAST (corpus.mood AS integer) WITH FUNCTION corpus.mood_rank(corpus.mood);
                    CREATE CAST (corpus.timerange AS text) WITH INOUT;
                    COMMENT ON CAST (corpus.mood AS integer) IS 'Position of the label';
                    CREATE AGGREGATE corpus.money_sum(corpus.money_amount) (SFUNC = corpus.money_add,
                        STYPE = corpus.money_amount);
                    CREATE AGGREGATE corpus.product(numeric) (SFUNC = numeric_mul, STYPE = numeric, INITCOND = '1',
                        COMBINEFUNC = numeric_mul, PARALLEL = SAFE);
                    COMMENT ON AGGREGATE corpus.product(numeric) IS 'Multiplies';
                    CREATE CONVERSION corpus.utf8_to_latin1_copy FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1;
                    COMMENT ON CONVERSION corpus.utf8_to_latin1_copy IS 'A conversion made from a built-in function';
                    CREATE FUNCTION corpus.split_words(input text, OUT word text, OUT word_no integer)
                        RETURNS SETOF record LANGUAGE sql IMMUTABLE ROWS 20 COST 50
                        AS $$ SELECT w, p::integer FROM regexp_split_to_table(input, '\\s+') WITH ORDINALITY AS t(w, p) $$;
                    CREATE FUNCTION corpus.greet(name text DEFAULT 'world', VARIADIC extras text[] DEFAULT '{}')
                        RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog
                        AS $$ BEGIN RETURN 'hello ' || name || coalesce(' ' || array_to_string(extras, ' '), ''); END $$;
                    CREATE FUNCTION corpus.is_even(integer) RETURNS boolean LANGUAGE sql IMMUTABLE LEAKPROOF STRICT
                        AS 'SELECT $1 % 2 = 0';
                    ALTER FUNCTION corpus.greet(text, text[]) OWNER TO {owner};
                    COMMENT ON FUNCTION corpus.greet(text, text[]) IS 'Defaults, variadic, security definer, SET';
                    """);
            if (has("ltree")) {
                // a binary-coercible cast: both are varlena with int alignment
                s.append("CREATE CAST (corpus_ext.ltree AS bytea) WITHOUT FUNCTION;\n");
            }
            if (gate.since(14, "SQL-standard function bodies (RETURN, BEGIN ATOMIC)")) {
                s.append("CREATE FUNCTION corpus.add_tax(amount numeric) RETURNS numeric LANGUAGE sql IMMUTABLE"
                        + " RETURN amount * 1.19;\n");
            }
        }

        private void accessMethods(StringBuilder s) {
            s.append("""
                    CREATE ACCESS METHOD corpus_heap TYPE TABLE HANDLER heap_tableam_handler;
                    COMMENT ON ACCESS METHOD corpus_heap IS 'A second name for heap';
                    CREATE ACCESS METHOD corpus_brin TYPE INDEX HANDLER brinhandler;
                    COMMENT ON ACCESS METHOD corpus_brin IS 'A second name for BRIN (btree refuses other names)';
                    CREATE OPERATOR CLASS corpus.int4_corpus_minmax_ops DEFAULT FOR TYPE integer USING corpus_brin AS
                        OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
                        FUNCTION 1 brin_minmax_opcinfo(internal),
                        FUNCTION 2 brin_minmax_add_value(internal, internal, internal, internal),
                        FUNCTION 3 brin_minmax_consistent(internal, internal, internal),
                        FUNCTION 4 brin_minmax_union(internal, internal, internal);
                    """);
        }

        private void tables(StringBuilder s) {
            String collate = textCollation();
            s.append("CREATE TABLE corpus.customer (\n")
                    .append(
                            "    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 7) PRIMARY KEY,\n")
                    .append("    external_id uuid NOT NULL UNIQUE,\n")
                    .append("    email corpus.email NOT NULL,\n")
                    .append("    display_name text COLLATE ")
                    .append(collate)
                    .append(" NOT NULL,\n");
            if (icu) {
                s.append("    handle text COLLATE corpus.case_insensitive,\n");
            } else {
                s.append("    handle text,\n");
            }
            s.append("""
                        mood corpus.mood NOT NULL DEFAULT 'ok',
                        shipping corpus.address,
                        balance corpus.money_amount,
                        loyalty corpus.percent DEFAULT 0,
                        tags corpus.tag_list,
                        zip corpus.us_zip,
                        legacy_code text,
                    """);
            s.append(has("hstore") ? "    prefs corpus_ext.hstore,\n" : "    prefs jsonb,\n");
            s.append(has("ltree") ? "    segment corpus_ext.ltree,\n" : "    segment text,\n");
            s.append("""
                        password_hash text,
                        name_search tsvector GENERATED ALWAYS AS (to_tsvector('corpus.english_copy'::regconfig,
                            display_name)) STORED,
                        created_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00',
                        updated_at timestamptz,
                        CONSTRAINT customer_email_unique UNIQUE (email) DEFERRABLE INITIALLY DEFERRED
                    );
                    COMMENT ON TABLE corpus.customer IS 'People who buy; identity, generated and domain columns';
                    COMMENT ON COLUMN corpus.customer.name_search IS 'Generated from display_name';
                    COMMENT ON CONSTRAINT customer_email_unique ON corpus.customer IS 'Deferrable unique';
                    CREATE INDEX customer_name_search_idx ON corpus.customer USING gin (name_search);
                    CREATE INDEX customer_mood_partial_idx ON corpus.customer (created_at) WHERE mood = 'happy';
                    CREATE INDEX customer_lower_email_idx ON corpus.customer (lower(email::text) text_pattern_ops);
                    COMMENT ON INDEX corpus.customer_lower_email_idx IS 'An expression index with an opclass';
                    """);
            if (has("ltree")) {
                s.append("CREATE INDEX customer_segment_gist ON corpus.customer USING gist (segment);\n");
            }
            if (has("hstore")) {
                s.append("CREATE INDEX customer_prefs_gin ON corpus.customer USING gin (prefs);\n");
            }

            s.append("""
                    CREATE TABLE corpus.ticket (
                        id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                        customer_id bigint REFERENCES corpus.customer (id) ON DELETE CASCADE
                            DEFERRABLE INITIALLY IMMEDIATE,
                        title text NOT NULL,
                        body text,
                        priority smallint NOT NULL DEFAULT 3,
                        status text NOT NULL DEFAULT 'open',
                        opened_at timestamptz NOT NULL,
                        closed_at timestamptz,
                        duration interval GENERATED ALWAYS AS (closed_at - opened_at) STORED,
                        search tsvector GENERATED ALWAYS AS (to_tsvector('corpus.product_search'::regconfig,
                            title || ' ' || coalesce(body, ''))) STORED,
                        CONSTRAINT closed_after_open CHECK (closed_at IS NULL OR closed_at >= opened_at)
                    ) WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05);
                    CREATE INDEX ticket_open_idx ON corpus.ticket (opened_at) WHERE status = 'open';
                    CREATE INDEX ticket_lower_title_idx ON corpus.ticket (lower(title) text_pattern_ops);
                    CREATE INDEX ticket_search_idx ON corpus.ticket USING gin (search);
                    CREATE INDEX ticket_priority_idx ON corpus.ticket (priority DESC NULLS LAST, id) INCLUDE (status);
                    CREATE INDEX ticket_opened_brin ON corpus.ticket USING brin (opened_at) WITH (pages_per_range = 32);
                    CREATE INDEX ticket_status_hash ON corpus.ticket USING hash (status);
                    CREATE INDEX ticket_title_spgist ON corpus.ticket USING spgist (title);
                    CREATE UNIQUE INDEX ticket_open_title_uniq ON corpus.ticket (customer_id, lower(title))
                        WHERE closed_at IS NULL;
                    CREATE INDEX ticket_priority_reverse ON corpus.ticket ((priority::integer) corpus.int4_reverse_ops);
                    CREATE INDEX ticket_id_corpus_brin ON corpus.ticket USING corpus_brin (id);
                    CREATE INDEX ticket_title_collated ON corpus.ticket (title COLLATE "C");
                    ALTER TABLE corpus.ticket CLUSTER ON ticket_pkey;
                    ALTER TABLE corpus.ticket REPLICA IDENTITY USING INDEX ticket_pkey;
                    ALTER TABLE corpus.ticket ALTER COLUMN body SET STORAGE EXTERNAL;
                    ALTER TABLE corpus.ticket ALTER COLUMN status SET STATISTICS 500;
                    ALTER TABLE corpus.ticket ALTER COLUMN priority SET (n_distinct = 5);
                    CREATE STATISTICS corpus.ticket_status_priority (dependencies, ndistinct)
                        ON status, priority FROM corpus.ticket;
                    COMMENT ON STATISTICS corpus.ticket_status_priority IS 'Extended statistics';
                    """);
            if (has("pg_trgm")) {
                s.append(
                        "CREATE INDEX ticket_title_trgm ON corpus.ticket USING gin (title corpus_ext.gin_trgm_ops);\n");
            }
            if (gate.since(14, "column compression and expression statistics")) {
                s.append("ALTER TABLE corpus.ticket ALTER COLUMN title SET COMPRESSION pglz;\n");
                s.append("CREATE STATISTICS corpus.ticket_expr_stats ON lower(title), priority FROM corpus.ticket;\n");
            }
            if (gate.since(15, "UNIQUE NULLS NOT DISTINCT")) {
                s.append("CREATE UNIQUE INDEX ticket_closed_nulls_nd ON corpus.ticket (title, closed_at)"
                        + " NULLS NOT DISTINCT WHERE priority = 0;\n");
            }

            s.append("""
                    CREATE TABLE corpus.room_booking (
                        id serial PRIMARY KEY,
                        room integer NOT NULL,
                        during tstzrange NOT NULL,
                        slot corpus.timerange,
                        weight corpus.floatrange,
                    """);
            if (has("btree_gist")) {
                s.append("    CONSTRAINT no_double_booking EXCLUDE USING gist (room WITH =, during WITH &&)\n");
            } else {
                s.append("    CONSTRAINT no_double_booking EXCLUDE USING gist (during WITH &&)\n");
            }
            s.append("""
                    );
                    ALTER TABLE corpus.room_booking ADD CONSTRAINT deferred_no_overlap
                        EXCLUDE USING gist (slot WITH &&) WHERE (room < 0) DEFERRABLE INITIALLY DEFERRED;
                    COMMENT ON CONSTRAINT no_double_booking ON corpus.room_booking IS 'An exclusion constraint';
                    """);

            s.append("""
                    CREATE SEQUENCE corpus.invoice_no AS integer START 5000 INCREMENT 10 MINVALUE 5000 MAXVALUE 9999999
                        CYCLE CACHE 1;
                    CREATE SEQUENCE corpus.never_used_seq;
                    CREATE SEQUENCE corpus.descending_seq INCREMENT -3 MINVALUE -1000 MAXVALUE 0 START 0;
                    CREATE TABLE corpus.ledger (
                        id bigserial PRIMARY KEY,
                        invoice_number integer NOT NULL DEFAULT nextval('corpus.invoice_no'),
                        account text NOT NULL,
                        amount numeric(14,2) NOT NULL,
                        booked_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00'
                    );
                    ALTER SEQUENCE corpus.invoice_no OWNED BY corpus.ledger.invoice_number;
                    COMMENT ON SEQUENCE corpus.invoice_no IS 'Owned by ledger.invoice_number';
                    CREATE TABLE corpus.ledger_audit (
                        ledger_id bigint, old_amount numeric(14,2), new_amount numeric(14,2)
                    );
                    CREATE RULE ledger_no_delete AS ON DELETE TO corpus.ledger DO INSTEAD NOTHING;
                    CREATE RULE ledger_log_update AS ON UPDATE TO corpus.ledger
                        DO ALSO INSERT INTO corpus.ledger_audit VALUES (OLD.id, OLD.amount, NEW.amount);
                    COMMENT ON RULE ledger_no_delete ON corpus.ledger IS 'Ledger rows are never deleted';

                    CREATE TABLE corpus.document (
                        id integer PRIMARY KEY,
                        owner_role name NOT NULL DEFAULT current_user,
                        classification text NOT NULL DEFAULT 'internal',
                        body text
                    );
                    ALTER TABLE corpus.document ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE corpus.document FORCE ROW LEVEL SECURITY;
                    CREATE POLICY document_owner ON corpus.document
                        USING (owner_role = current_user) WITH CHECK (owner_role = current_user);
                    CREATE POLICY document_public ON corpus.document FOR SELECT TO {reader}
                        USING (classification = 'public');
                    CREATE POLICY document_no_secret_update ON corpus.document AS RESTRICTIVE FOR UPDATE TO {app}
                        USING (classification <> 'secret');
                    COMMENT ON POLICY document_public ON corpus.document IS 'Readers see public documents';

                    CREATE UNLOGGED TABLE corpus.session_cache (
                        token text PRIMARY KEY,
                        payload jsonb,
                        expires_at timestamptz
                    );
                    CREATE TABLE corpus.vehicle (id integer PRIMARY KEY, wheels integer NOT NULL, label text);
                    CREATE TABLE corpus.truck (payload_tons numeric(6,2)) INHERITS (corpus.vehicle);
                    ALTER TABLE corpus.truck ADD PRIMARY KEY (id);
                    CREATE TABLE corpus.address_book OF corpus.address (PRIMARY KEY (street, city));
                    CREATE TABLE corpus.heap_again (id integer PRIMARY KEY, note text) USING corpus_heap;

                    CREATE TABLE corpus.department (
                        id integer PRIMARY KEY,
                        name text NOT NULL,
                        manager_id integer
                    );
                    CREATE TABLE corpus.employee (
                        id integer PRIMARY KEY,
                        name text NOT NULL,
                        department_id integer NOT NULL
                            REFERENCES corpus.department (id) DEFERRABLE INITIALLY DEFERRED,
                        manager_id integer REFERENCES corpus.employee (id) ON DELETE SET NULL,
                        badge text
                    );
                    ALTER TABLE corpus.department ADD CONSTRAINT department_manager_fk
                        FOREIGN KEY (manager_id) REFERENCES corpus.employee (id) DEFERRABLE INITIALLY DEFERRED;
                    CREATE TABLE corpus."Order Line" (
                        "Order No" integer NOT NULL,
                        "select" integer NOT NULL,
                        "Unit Price €" numeric(10,2),
                        "quote""d" text,
                        PRIMARY KEY ("Order No", "select")
                    );
                    COMMENT ON COLUMN corpus."Order Line"."Unit Price €" IS 'Identifiers that need quoting';
                    CREATE TABLE "Corpus Reports"."Monthly Totals" (month date PRIMARY KEY, total numeric);
                    """);
            if (postgis) {
                s.append("""
                        CREATE TABLE corpus.place (
                            id integer PRIMARY KEY,
                            name text NOT NULL,
                            location public.geometry(Point, 4326),
                            area public.geography(Polygon, 4326)
                        );
                        CREATE INDEX place_location_gist ON corpus.place USING gist (location);
                        CREATE INDEX place_area_gist ON corpus.place USING gist (area);
                        """);
            }
            s.append("SET ROLE {app};\n");
            s.append("""
                    CREATE TABLE corpus_app.job (
                        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        kind text NOT NULL,
                        run_after timestamptz NOT NULL,
                        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        payload jsonb
                    );
                    CREATE INDEX job_due_idx ON corpus_app.job (run_after) WHERE attempts < 5;
                    CREATE FUNCTION corpus_app.next_job() RETURNS bigint LANGUAGE sql STABLE
                        AS 'SELECT id FROM corpus_app.job ORDER BY run_after LIMIT 1';
                    CREATE VIEW corpus_app.due_job AS SELECT id, kind FROM corpus_app.job WHERE attempts < 5;
                    """);
            s.append("RESET ROLE;\n");
            if (gate.since(18, "virtual generated columns")) {
                s.append("ALTER TABLE corpus.ticket ADD COLUMN title_length integer"
                        + " GENERATED ALWAYS AS (length(title)) VIRTUAL;\n");
            }
            if (has("btree_gist") && gate.since(18, "temporal primary key (WITHOUT OVERLAPS) and PERIOD foreign key")) {
                s.append("""
                        CREATE TABLE corpus.price_period (
                            product_id integer NOT NULL,
                            valid_during daterange NOT NULL,
                            price numeric(10,2) NOT NULL,
                            PRIMARY KEY (product_id, valid_during WITHOUT OVERLAPS)
                        );
                        CREATE TABLE corpus.price_quote (
                            id integer PRIMARY KEY,
                            product_id integer NOT NULL,
                            quoted_during daterange NOT NULL,
                            FOREIGN KEY (product_id, PERIOD quoted_during)
                                REFERENCES corpus.price_period (product_id, PERIOD valid_during)
                        );
                        """);
            }
        }

        private void partitions(StringBuilder s) {
            s.append("""
                    CREATE TABLE corpus.sale (
                        id bigint NOT NULL,
                        region text NOT NULL,
                        sold_on date NOT NULL,
                        amount numeric(12,2),
                        PRIMARY KEY (id, region)
                    ) PARTITION BY LIST (region);
                    CREATE INDEX sale_sold_on_idx ON corpus.sale (sold_on);
                    CREATE TABLE corpus.sale_eu PARTITION OF corpus.sale FOR VALUES IN ('de', 'fr', 'it');
                    CREATE TABLE corpus.sale_us PARTITION OF corpus.sale FOR VALUES IN ('us') PARTITION BY HASH (id);
                    CREATE TABLE corpus.sale_us_0 PARTITION OF corpus.sale_us FOR VALUES WITH (MODULUS 2, REMAINDER 0);
                    CREATE TABLE corpus.sale_us_1 PARTITION OF corpus.sale_us FOR VALUES WITH (MODULUS 2, REMAINDER 1);
                    CREATE TABLE corpus.sale_other PARTITION OF corpus.sale DEFAULT;
                    CREATE TABLE corpus.sale_asia (amount numeric(12,2), sold_on date NOT NULL, region text NOT NULL,
                        id bigint NOT NULL, note text);
                    ALTER TABLE corpus.sale_asia DROP COLUMN note;
                    ALTER TABLE corpus.sale ATTACH PARTITION corpus.sale_asia FOR VALUES IN ('jp', 'cn');
                    CREATE INDEX sale_eu_amount_idx ON corpus.sale_eu (amount);
                    COMMENT ON TABLE corpus.sale IS 'List partitions, a hash sub-partitioned one, a default one';
                    CREATE TABLE corpus.reading (
                        sensor integer NOT NULL,
                        taken_at timestamptz NOT NULL,
                        value double precision
                    ) PARTITION BY RANGE (taken_at);
                    CREATE TABLE corpus.reading_2025 PARTITION OF corpus.reading
                        FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
                    CREATE TABLE corpus.reading_2026 PARTITION OF corpus.reading
                        FOR VALUES FROM ('2026-01-01 00:00:00+00') TO (MAXVALUE);
                    """);
        }

        private void triggersRulesPolicies(StringBuilder s) {
            s.append("""
                    CREATE TABLE corpus.change_log (
                        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                        table_name text NOT NULL,
                        row_count bigint NOT NULL
                    );
                    CREATE FUNCTION corpus.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        NEW.updated_at := '2026-06-01 00:00:00+00';
                        RETURN NEW;
                    END
                    $$;
                    CREATE TRIGGER customer_touch BEFORE UPDATE ON corpus.customer
                        FOR EACH ROW WHEN (OLD.mood IS DISTINCT FROM NEW.mood) EXECUTE FUNCTION corpus.touch_updated_at();
                    COMMENT ON TRIGGER customer_touch ON corpus.customer IS 'Keeps updated_at';
                    CREATE FUNCTION corpus.count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO corpus.change_log (table_name, row_count) SELECT TG_TABLE_NAME, count(*) FROM new_rows;
                        RETURN NULL;
                    END
                    $$;
                    CREATE TRIGGER ticket_changes AFTER INSERT ON corpus.ticket
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION corpus.count_changes();
                    CREATE FUNCTION corpus.check_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.priority > 9 THEN
                            RAISE EXCEPTION 'priority too high';
                        END IF;
                        RETURN NULL;
                    END
                    $$;
                    CREATE CONSTRAINT TRIGGER ticket_priority_check AFTER INSERT OR UPDATE ON corpus.ticket
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION corpus.check_ticket();
                    CREATE FUNCTION corpus.pass_through() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RETURN coalesce(NEW, OLD);
                    END
                    $$;
                    CREATE TRIGGER ticket_disabled BEFORE DELETE ON corpus.ticket
                        FOR EACH ROW EXECUTE FUNCTION corpus.pass_through();
                    ALTER TABLE corpus.ticket DISABLE TRIGGER ticket_disabled;
                    CREATE TRIGGER ledger_replica BEFORE INSERT ON corpus.ledger
                        FOR EACH ROW EXECUTE FUNCTION corpus.pass_through();
                    ALTER TABLE corpus.ledger ENABLE REPLICA TRIGGER ledger_replica;
                    CREATE FUNCTION corpus.sale_check() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        NEW.amount := round(NEW.amount, 2);
                        RETURN NEW;
                    END
                    $$;
                    CREATE TRIGGER sale_round BEFORE INSERT ON corpus.sale FOR EACH ROW EXECUTE FUNCTION corpus.sale_check();
                    """);
        }

        private void data(StringBuilder s) {
            String uuid = has("uuid-ossp")
                    ? "corpus_ext.uuid_generate_v5(corpus_ext.uuid_ns_url(), 'https://corpus.invalid/customer/' || i)"
                    : "md5('customer' || i)::uuid";
            String hash = has("pgcrypto")
                    ? "encode(corpus_ext.digest('password ' || i, 'sha256'), 'hex')"
                    : "md5('password ' || i)";
            String prefs = has("hstore")
                    ? "corpus_ext.hstore(ARRAY['lang', 'newsletter'], ARRAY[CASE WHEN i % 2 = 0 THEN 'de' ELSE 'en' END,"
                            + " (i % 3 = 0)::text])"
                    : "jsonb_build_object('lang', 'de')";
            String segment = has("ltree")
                    ? "('retail.' || (ARRAY['eu', 'us', 'asia'])[1 + i % 3] || '.tier' || i % 4)::corpus_ext.ltree"
                    : "'retail.eu'";
            s.append("INSERT INTO corpus.customer (external_id, email, display_name, handle, mood, shipping, balance,"
                            + " loyalty, tags, zip, legacy_code, prefs, segment, password_hash)\n")
                    .append("SELECT ")
                    .append(uuid)
                    .append(", 'user' || i || CASE WHEN i % 2 = 0 THEN '@Example.com' ELSE '@example.org' END,\n")
                    .append("       (ARRAY['Müller', 'Mueller', 'Muller', 'Zoë', 'Øyvind', 'Straße'])[1 + i % 6] || ' '"
                            + " || i,\n")
                    .append(
                            "       'Handle' || i, (ARRAY['sad', 'ok', 'happy', 'ecstatic', 'meh'])[1 + i % 5]::corpus.mood,\n")
                    .append("       ROW('Street ' || i, CASE WHEN i % 9 = 0 THEN NULL ELSE 'City ' || i % 7 END,"
                            + " lpad(i::text, 5, '0'), point(i, -i))::corpus.address,\n")
                    .append("       ROW(i * 10.25, 'EUR')::corpus.money_amount, (i % 400) / 4.0,"
                            + " ARRAY['t' || i % 3, 'vip'], lpad((i * 7)::text, 5, '0'), 'LEGACY-' || i,\n       ")
                    .append(prefs)
                    .append(", ")
                    .append(segment)
                    .append(", ")
                    .append(hash)
                    .append("\nFROM generate_series(1, 60) AS i;\n");
            s.append("""
                    UPDATE corpus.customer SET mood = 'happy' WHERE id % 3 = 0;
                    ALTER TABLE corpus.customer DROP COLUMN legacy_code;
                    ALTER TABLE corpus.customer ADD COLUMN region text NOT NULL DEFAULT 'eu';
                    INSERT INTO corpus.ticket (customer_id, title, body, priority, status, opened_at, closed_at)
                    SELECT 1000 + 7 * (i % 60), 'Ticket ' || i || ' about ' || (ARRAY['billing', 'login', 'shipping'])[1 + i % 3],
                           CASE WHEN i % 4 = 0 THEN NULL ELSE repeat('The printer is on fire. ', 1 + i % 5) END,
                           i % 10, CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'open' END,
                           timestamptz '2026-01-01 00:00:00+00' + i * interval '5 hours',
                           CASE WHEN i % 3 = 0 THEN timestamptz '2026-01-01 00:00:00+00' + i * interval '6 hours' END
                    FROM generate_series(1, 120) AS i;
                    INSERT INTO corpus.room_booking (room, during, slot, weight)
                    SELECT i % 5, tstzrange(timestamptz '2026-03-01 08:00:00+00' + i * interval '1 hour',
                                            timestamptz '2026-03-01 08:00:00+00' + (i + 1) * interval '1 hour'),
                           corpus.timerange(time '08:00' + i * interval '1 minute', time '09:00' + i * interval '1 minute'),
                           corpus.floatrange(i, i + 0.5)
                    FROM generate_series(1, 30) AS i;
                    INSERT INTO corpus.ledger (account, amount)
                    SELECT 'acct-' || i % 4, i * 3.5 FROM generate_series(1, 40) AS i;
                    UPDATE corpus.ledger SET amount = amount + 1 WHERE id <= 3;
                    SELECT setval('corpus.descending_seq', -42);
                    INSERT INTO corpus.document (id, owner_role, classification, body)
                    SELECT i, (ARRAY['postgres', '{owner_name}', '{app_name}'])[1 + i % 3]::name,
                           (ARRAY['public', 'internal', 'secret'])[1 + i % 3], 'Document ' || i
                    FROM generate_series(1, 30) AS i;
                    INSERT INTO corpus.session_cache
                    SELECT md5('token' || i), jsonb_build_object('user', i), timestamptz '2026-12-31 00:00:00+00'
                    FROM generate_series(1, 20) AS i;
                    INSERT INTO corpus.vehicle SELECT i, 4, 'car ' || i FROM generate_series(1, 10) AS i;
                    INSERT INTO corpus.truck SELECT 100 + i, 6 + i % 3 * 2, 'truck ' || i, i * 1.5 FROM generate_series(1, 5) AS i;
                    INSERT INTO corpus.address_book
                    SELECT 'Main Street ' || i, 'Town ' || i % 3, lpad(i::text, 5, '0'), point(i, i) FROM generate_series(1, 12) AS i;
                    INSERT INTO corpus.heap_again SELECT i, 'on another table access method' FROM generate_series(1, 5) AS i;
                    BEGIN;
                    INSERT INTO corpus.department VALUES (1, 'Sales', 10), (2, 'Engineering', 20);
                    INSERT INTO corpus.employee VALUES (10, 'Ana', 1, NULL, 'B-10'), (20, 'Bo', 2, NULL, 'B-20'),
                        (11, 'Cy', 1, 10, 'B-11'), (21, 'Di', 2, 20, 'B-21'), (22, 'Ed', 2, 21, NULL);
                    COMMIT;
                    INSERT INTO corpus."Order Line" VALUES (1, 1, 9.99, 'a "quoted" value'), (1, 2, NULL, E'tab\\there');
                    INSERT INTO "Corpus Reports"."Monthly Totals"
                    SELECT date '2025-01-01' + (i || ' months')::interval, i * 1000 FROM generate_series(0, 11) AS i;
                    INSERT INTO corpus.sale (id, region, sold_on, amount)
                    SELECT i, (ARRAY['de', 'fr', 'it', 'us', 'jp', 'cn', 'br'])[1 + i % 7], date '2025-01-01' + i, i * 1.005
                    FROM generate_series(1, 200) AS i;
                    INSERT INTO corpus.reading
                    SELECT i % 4, timestamptz '2025-06-01 00:00:00+00' + i * interval '3 days', i * 0.5
                    FROM generate_series(1, 150) AS i;
                    INSERT INTO corpus_app.job (kind, run_after, attempts, payload)
                    SELECT 'export', timestamptz '2026-01-01 00:00:00+00' + i * interval '1 day', i % 7,
                           jsonb_build_object('i', i)
                    FROM generate_series(1, 15) AS i;
                    """);
            if (postgis) {
                s.append("""
                        INSERT INTO corpus.place
                        SELECT i, 'place ' || i,
                               public.ST_SetSRID(public.ST_MakePoint(8.5 + i * 0.01, 47.3 + i * 0.01), 4326),
                               public.ST_GeogFromText('SRID=4326;POLYGON((' || 8 + i * 0.1 || ' 47, ' || 8.05 + i * 0.1
                                   || ' 47, ' || 8.05 + i * 0.1 || ' 47.05, ' || 8 + i * 0.1 || ' 47))')
                        FROM generate_series(1, 20) AS i;
                        INSERT INTO public.spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
                        VALUES (910001, 'CORPUS', 910001, 'GEOGCS["corpus test",DATUM["WGS_1984",SPHEROID["WGS 84",'
                            || '6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
                            '+proj=longlat +datum=WGS84 +no_defs');
                        """);
            }
            if (v >= 180000 && has("btree_gist")) {
                s.append("""
                        INSERT INTO corpus.price_period VALUES (1, '[2025-01-01,2025-07-01)', 10),
                            (1, '[2025-07-01,2026-01-01)', 12), (2, '[2025-01-01,)', 99);
                        INSERT INTO corpus.price_quote VALUES (1, 1, '[2025-02-01,2025-09-01)'), (2, 2, '[2025-03-01,2025-04-01)');
                        """);
            }
        }

        private void afterData(StringBuilder s) {
            if (notValidDomainViolations) {
                s.append("UPDATE corpus.customer SET loyalty = 99 WHERE id = 1000;\n");
            }
            s.append("""
                    -- constraints added NOT VALID over rows that violate them: pg_dump must restore them after the data
                    ALTER TABLE corpus.ticket ADD CONSTRAINT ticket_priority_positive CHECK (priority > 0) NOT VALID;
                    INSERT INTO corpus.employee VALUES (99, 'Orphan', 1, NULL, 'B-99');
                    ALTER TABLE corpus.employee ADD CONSTRAINT employee_badge_format CHECK (badge LIKE 'B-_') NOT VALID;
                    INSERT INTO corpus.vehicle VALUES (50, 3, 'tricycle');
                    CREATE TABLE corpus.wheel_count (wheels integer PRIMARY KEY);
                    INSERT INTO corpus.wheel_count VALUES (4), (6), (8), (10);
                    ALTER TABLE corpus.vehicle ADD CONSTRAINT vehicle_wheels_fk FOREIGN KEY (wheels)
                        REFERENCES corpus.wheel_count (wheels) NOT VALID;
                    ALTER DOMAIN corpus.percent ADD CONSTRAINT percent_not_99 CHECK (VALUE <> 99) NOT VALID;
                    SELECT setval('corpus.invoice_no', 7770);
                    SELECT nextval('corpus.ticket_id_seq');
                    """);
            if (gate.since(15, "foreign key ON DELETE SET NULL (column list)")) {
                s.append("""
                        CREATE TABLE corpus.ticket_pair (
                            ticket_id integer, employee_id integer, PRIMARY KEY (ticket_id, employee_id)
                        );
                        INSERT INTO corpus.ticket_pair VALUES (1, 10), (2, 20);
                        CREATE TABLE corpus.ticket_watcher (
                            ticket_id integer,
                            employee_id integer,
                            FOREIGN KEY (ticket_id, employee_id) REFERENCES corpus.ticket_pair (ticket_id, employee_id)
                                ON DELETE SET NULL (employee_id)
                        );
                        INSERT INTO corpus.ticket_watcher VALUES (1, 10), (2, 20), (NULL, NULL);
                        """);
            }
            if (gate.since(18, "NOT ENFORCED constraints and NOT NULL ... NOT VALID")) {
                s.append("""
                        ALTER TABLE corpus.ticket ADD CONSTRAINT ticket_title_short CHECK (length(title) < 5) NOT ENFORCED;
                        ALTER TABLE corpus.employee ADD CONSTRAINT employee_badge_nn NOT NULL badge NOT VALID;
                        """);
            }
            if (gate.since(14, "SQL-standard function bodies (RETURN, BEGIN ATOMIC)")) {
                s.append("""
                        CREATE FUNCTION corpus.open_ticket_count() RETURNS bigint LANGUAGE sql STABLE
                        BEGIN ATOMIC
                            SELECT count(*) FROM corpus.ticket WHERE status = 'open';
                        END;
                        CREATE PROCEDURE corpus.close_old_tickets(before timestamptz)
                        LANGUAGE sql
                        BEGIN ATOMIC
                            UPDATE corpus.ticket SET status = 'closed', closed_at = before
                                WHERE status = 'open' AND opened_at < before;
                        END;
                        """);
            } else {
                s.append("""
                        CREATE PROCEDURE corpus.close_old_tickets(before timestamptz) LANGUAGE plpgsql AS $$
                        BEGIN
                            UPDATE corpus.ticket SET status = 'closed', closed_at = before
                                WHERE status = 'open' AND opened_at < before;
                        END
                        $$;
                        """);
            }
            s.append("COMMENT ON PROCEDURE corpus.close_old_tickets(timestamptz) IS 'A procedure';\n");
        }

        private void viewsAndMatviews(StringBuilder s) {
            s.append("""
                    CREATE VIEW corpus.open_ticket AS
                        SELECT id, title, priority, status FROM corpus.ticket WHERE status = 'open'
                        WITH CASCADED CHECK OPTION;
                    CREATE VIEW corpus.customer_public WITH (security_barrier = true) AS
                        SELECT id, display_name, mood FROM corpus.customer;
                    COMMENT ON VIEW corpus.customer_public IS 'A security barrier view';
                    COMMENT ON COLUMN corpus.customer_public.display_name IS 'A comment on a view column';
                    CREATE RECURSIVE VIEW corpus.org_chart (id, manager_id, depth) AS
                        SELECT id, manager_id, 1 FROM corpus.employee WHERE manager_id IS NULL
                        UNION ALL
                        SELECT e.id, e.manager_id, o.depth + 1 FROM corpus.employee e JOIN org_chart o
                            ON e.manager_id = o.id;
                    CREATE VIEW corpus.ticket_summary AS
                        SELECT t.id, t.title, c.display_name, corpus.money_to_text(c.balance) AS balance
                        FROM corpus.ticket t LEFT JOIN corpus.customer c ON c.id = t.customer_id;
                    CREATE FUNCTION corpus.ticket_summary_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO corpus.ticket (title, opened_at) VALUES (NEW.title, '2026-01-01 00:00:00+00');
                        RETURN NEW;
                    END
                    $$;
                    CREATE TRIGGER ticket_summary_insert INSTEAD OF INSERT ON corpus.ticket_summary
                        FOR EACH ROW EXECUTE FUNCTION corpus.ticket_summary_insert();
                    CREATE VIEW corpus.vehicle_label AS SELECT id, label FROM corpus.vehicle;
                    CREATE RULE vehicle_label_update AS ON UPDATE TO corpus.vehicle_label
                        DO INSTEAD UPDATE corpus.vehicle SET label = NEW.label WHERE id = OLD.id;
                    ALTER VIEW corpus.vehicle_label ALTER COLUMN label SET DEFAULT 'unnamed';
                    CREATE MATERIALIZED VIEW corpus.ticket_stats AS
                        SELECT status, count(*) AS tickets, avg(priority) AS avg_priority
                        FROM corpus.ticket GROUP BY status WITH DATA;
                    CREATE UNIQUE INDEX ticket_stats_status ON corpus.ticket_stats (status);
                    COMMENT ON MATERIALIZED VIEW corpus.ticket_stats IS 'Populated';
                    CREATE MATERIALIZED VIEW corpus.customer_rollup AS
                        SELECT mood, count(*) AS customers, corpus.money_sum(balance) AS total
                        FROM corpus.customer GROUP BY mood WITH NO DATA;
                    COMMENT ON MATERIALIZED VIEW corpus.customer_rollup IS 'Never populated';
                    CREATE MATERIALIZED VIEW "Corpus Reports"."Sales By Region" AS
                        SELECT region, sum(amount) AS total FROM corpus.sale GROUP BY region;
                    ALTER MATERIALIZED VIEW corpus.ticket_stats OWNER TO {owner};
                    """);
            if (gate.since(15, "security_invoker views")) {
                s.append("CREATE VIEW corpus.customer_invoker WITH (security_invoker = true) AS"
                        + " SELECT id, email FROM corpus.customer;\n");
            }
        }

        private void privileges(StringBuilder s) {
            s.append("""
                    ALTER TABLE corpus.customer OWNER TO {owner};
                    ALTER TABLE corpus.ticket OWNER TO {owner};
                    ALTER TABLE corpus.document OWNER TO {owner};
                    ALTER TABLE corpus.ledger OWNER TO {app};
                    ALTER TABLE corpus.sale OWNER TO {owner};
                    ALTER SEQUENCE corpus.never_used_seq OWNER TO {auditor};
                    ALTER TYPE corpus.mood OWNER TO {owner};
                    ALTER DOMAIN corpus.email OWNER TO {owner};
                    ALTER FUNCTION corpus.money_add(corpus.money_amount, corpus.money_amount) OWNER TO {owner};
                    ALTER VIEW corpus.customer_public OWNER TO {owner};
                    GRANT SELECT ON ALL TABLES IN SCHEMA corpus TO {auditor};
                    GRANT SELECT (id, display_name, mood), UPDATE (display_name) ON corpus.customer TO {reader};
                    GRANT INSERT, SELECT, UPDATE ON corpus.ticket TO {app} WITH GRANT OPTION;
                    GRANT REFERENCES, TRIGGER ON corpus.ticket TO {auditor};
                    GRANT SELECT ON corpus.customer_public TO {reader};
                    GRANT SELECT (id, label), UPDATE (label) ON corpus.vehicle_label TO {app};
                    REVOKE ALL ON FUNCTION corpus.greet(text, text[]) FROM PUBLIC;
                    GRANT EXECUTE ON FUNCTION corpus.greet(text, text[]) TO {app};
                    REVOKE USAGE ON TYPE corpus.mood FROM PUBLIC;
                    GRANT USAGE ON TYPE corpus.mood TO {app}, {reader};
                    GRANT USAGE ON DOMAIN corpus.email TO {app};
                    GRANT USAGE, SELECT ON SEQUENCE corpus.invoice_no TO {app};
                    GRANT UPDATE ON SEQUENCE corpus.ticket_id_seq TO {app};
                    GRANT ALL ON SCHEMA "Corpus Reports" TO {owner};
                    SET ROLE {app};
                    GRANT SELECT ON corpus.ticket TO {reader};
                    GRANT SELECT (id, title) ON corpus.ticket TO {auditor};
                    RESET ROLE;
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA corpus GRANT SELECT ON TABLES TO {reader};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA corpus GRANT USAGE ON SEQUENCES TO {app};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT EXECUTE ON FUNCTIONS TO {app};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT USAGE ON TYPES TO {reader};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT USAGE ON SCHEMAS TO {auditor};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {app} IN SCHEMA corpus_app GRANT SELECT, INSERT ON TABLES TO {reader};
                    ALTER DEFAULT PRIVILEGES IN SCHEMA corpus_app GRANT SELECT ON TABLES TO {auditor};
                    """);
            if (gate.since(17, "MAINTAIN privilege")) {
                s.append("GRANT MAINTAIN ON corpus.ticket TO {auditor};\n");
            }
        }

        /** Objects that would fire or react during creation, made last: FDWs, publications, event triggers. */
        String lateSql(boolean subscription, String database) {
            StringBuilder s = new StringBuilder();
            s.append("SET client_min_messages = error;\n");
            // the database's own properties: only a restore that creates the database carries them over
            String db = quoteIdentifier(database);
            s.append("COMMENT ON DATABASE ")
                    .append(db)
                    .append(" IS 'Every kind of object pg_dump writes; made by pgkeep''s corpus';\n");
            s.append("ALTER DATABASE ").append(db).append(" SET work_mem TO '8MB';\n");
            s.append("ALTER DATABASE ").append(db).append(" SET \"TimeZone\" TO 'Europe/Zurich';\n");
            s.append("ALTER ROLE {app} IN DATABASE ").append(db).append(" SET statement_timeout TO '30s';\n");
            s.append("GRANT CONNECT, TEMPORARY ON DATABASE ").append(db).append(" TO {app};\n");
            s.append("GRANT CREATE ON DATABASE ").append(db).append(" TO {owner};\n");
            s.append("""
                    CREATE FOREIGN DATA WRAPPER corpus_plain_fdw OPTIONS (debug 'true');
                    COMMENT ON FOREIGN DATA WRAPPER corpus_plain_fdw IS 'No handler, no validator';
                    CREATE SERVER corpus_plain_server TYPE 'archive' VERSION '1.0' FOREIGN DATA WRAPPER corpus_plain_fdw
                        OPTIONS (region 'eu');
                    COMMENT ON SERVER corpus_plain_server IS 'A server of the plain wrapper';
                    CREATE USER MAPPING FOR PUBLIC SERVER corpus_plain_server;
                    CREATE USER MAPPING FOR {app} SERVER corpus_plain_server OPTIONS (token 'not-a-secret');
                    CREATE FOREIGN TABLE corpus.archived_ticket (id integer OPTIONS (field 'ticket_id'), title text)
                        SERVER corpus_plain_server OPTIONS (path '/nowhere');
                    GRANT USAGE ON FOREIGN DATA WRAPPER corpus_plain_fdw TO {owner};
                    GRANT USAGE ON FOREIGN SERVER corpus_plain_server TO {app};
                    GRANT SELECT ON corpus.archived_ticket TO {reader};
                    ALTER SERVER corpus_plain_server OWNER TO {owner};
                    """);
            if (postgresFdw) {
                s.append("""
                        CREATE SERVER corpus_remote FOREIGN DATA WRAPPER postgres_fdw
                            OPTIONS (host '127.0.0.1', port '1', dbname 'corpus_remote_db', fetch_size '500');
                        CREATE USER MAPPING FOR {owner} SERVER corpus_remote
                            OPTIONS (user 'remote_reader', password 'generated-test-password');
                        CREATE USER MAPPING FOR CURRENT_USER SERVER corpus_remote OPTIONS (user 'remote_admin');
                        CREATE FOREIGN TABLE corpus.remote_invoice (
                            id bigint OPTIONS (column_name 'invoice_id') NOT NULL,
                            total numeric(14,2)
                        ) SERVER corpus_remote OPTIONS (schema_name 'billing', table_name 'invoice');
                        COMMENT ON FOREIGN TABLE corpus.remote_invoice IS 'postgres_fdw foreign table';
                        """);
            }
            s.append("""
                    CREATE PUBLICATION corpus_all FOR ALL TABLES WITH (publish = 'insert');
                    CREATE PUBLICATION corpus_some FOR TABLE corpus.customer, corpus.ticket;
                    CREATE PUBLICATION corpus_partitioned FOR TABLE corpus.sale WITH (publish_via_partition_root = true);
                    CREATE PUBLICATION corpus_empty;
                    COMMENT ON PUBLICATION corpus_some IS 'Two tables';
                    ALTER PUBLICATION corpus_empty OWNER TO {owner};
                    """);
            if (gate.since(15, "publications of schemas, row filters and column lists")) {
                s.append("""
                        CREATE PUBLICATION corpus_schema FOR TABLES IN SCHEMA corpus_app;
                        CREATE PUBLICATION corpus_filtered FOR TABLE corpus.ticket (id, title, status)
                            WHERE (status = 'open') WITH (publish = 'insert');
                        """);
            }
            if (gate.since(18, "publication of generated columns")) {
                s.append("CREATE PUBLICATION corpus_generated FOR TABLE corpus.customer"
                        + " WITH (publish_generated_columns = stored);\n");
            }
            if (subscription) {
                s.append("CREATE SUBSCRIPTION corpus_sub CONNECTION ")
                        .append(quoteLiteral("host=127.0.0.1 port=1 dbname=corpus_upstream connect_timeout=1"))
                        .append(" PUBLICATION corpus_all WITH (connect = false, enabled = false, create_slot = false,"
                                + " slot_name = NONE);\n");
                s.append("COMMENT ON SUBSCRIPTION corpus_sub IS 'Never connected';\n");
            }
            s.append("""
                    CREATE FUNCTION corpus.on_ddl_end() RETURNS event_trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF current_setting('corpus.trace_ddl', true) = 'on' THEN
                            RAISE NOTICE 'ddl: %', tg_tag;
                        END IF;
                    END
                    $$;
                    CREATE FUNCTION corpus.on_sql_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF current_setting('corpus.trace_ddl', true) = 'on' THEN
                            RAISE NOTICE 'dropped % objects', (SELECT count(*) FROM pg_event_trigger_dropped_objects());
                        END IF;
                    END
                    $$;
                    CREATE EVENT TRIGGER corpus_ddl_end ON ddl_command_end
                        WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION corpus.on_ddl_end();
                    CREATE EVENT TRIGGER corpus_sql_drop ON sql_drop EXECUTE FUNCTION corpus.on_sql_drop();
                    CREATE EVENT TRIGGER corpus_rewrite ON table_rewrite EXECUTE FUNCTION corpus.on_ddl_end();
                    ALTER EVENT TRIGGER corpus_rewrite DISABLE;
                    CREATE EVENT TRIGGER corpus_ddl_start ON ddl_command_start EXECUTE FUNCTION corpus.on_ddl_end();
                    ALTER EVENT TRIGGER corpus_ddl_start ENABLE REPLICA;
                    COMMENT ON EVENT TRIGGER corpus_ddl_end IS 'Traces DDL when corpus.trace_ddl is on';
                    """);
            if (gate.since(17, "login event trigger")) {
                s.append("""
                        CREATE FUNCTION corpus.on_login() RETURNS event_trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            IF current_setting('corpus.trace_login', true) = 'on' THEN
                                RAISE NOTICE 'login of %', session_user;
                            END IF;
                        END
                        $$;
                        CREATE EVENT TRIGGER corpus_login ON login EXECUTE FUNCTION corpus.on_login();
                        """);
            }
            return s.toString();
        }
    }
}
