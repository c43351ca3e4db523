package dev.pgkeep.testsupport.corpus;

import dev.pgkeep.core.cluster.ExternalCommand;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a corpus database holds, reduced to comparable values, like {@link dev.pgkeep.testsupport.DatabaseFingerprint}
 * but fit for the corpus:
 *
 * <ul>
 *   <li>the schema is {@code pg_dump --schema-only} <em>with</em> owners and privileges (the corpus has several owner
 *       roles, and a restore that loses an owner or a grant must not compare equal);
 *   <li>a table's digest is {@code md5} over the sorted {@code md5} of each row's text, so the sort handles 33 bytes
 *       a row whatever the row's size (100 MB rows, 1,000 columns) and the server never builds one huge string;
 *   <li>{@code ONLY} each table, so inheritance parents are not counted twice;
 *   <li>a materialized view made {@code WITH NO DATA} is recorded as not populated (selecting from it fails);
 *   <li>large objects include their owner, privileges and comment, not only their bytes.
 * </ul>
 *
 * <p>Sessions use {@code TimeZone} UTC and ISO dates, so a database-level setting (compared on its own) does not
 * change how the schema and rows render. All per-table digests run in one {@code psql} session, one statement each: a few seconds for thousands of tables.
 *
 * @param database the database's own properties, which only a restore that creates the database carries over:
 *     encoding, locale, privileges, settings (also per role) and comment, one per line
 * @param schema the normalized schema dump
 * @param relations {@code schema.table} (quoted as needed) to its row count and digest, or {@code not populated}
 * @param sequences {@code schema.sequence} to its last value ({@code null} when never used)
 * @param largeObjects count and digest of the large objects, by OID
 */
public record CorpusFingerprint(
        String database,
        String schema,
        SortedMap<String, String> relations,
        SortedMap<String, String> sequences,
        String largeObjects) {

    private static final Duration PG_DUMP_TIMEOUT = Duration.ofMinutes(30);

    public CorpusFingerprint {
        relations = Collections.unmodifiableSortedMap(new TreeMap<>(relations));
        sequences = Collections.unmodifiableSortedMap(new TreeMap<>(sequences));
    }

    /** Reads the fingerprint of a test server's database. */
    public static CorpusFingerprint of(PostgresServer pg, String database) {
        return of(CorpusTarget.of(pg, database));
    }

    /** Reads the fingerprint of {@code target}'s database; run it while nothing writes to the database. */
    public static CorpusFingerprint of(CorpusTarget database) {
        // a database-level TimeZone would otherwise change how the schema dump and the rows render timestamps
        CorpusTarget target = database.withUtcSessions();
        return new CorpusFingerprint(
                databaseProperties(target),
                schemaDump(target),
                relations(target),
                sequences(target),
                largeObjects(target));
    }

    /**
     * What differs, one line per difference ({@code this} is "expected", {@code other} "actual"), or an empty string
     * when both are equal.
     */
    public String diff(CorpusFingerprint other) {
        List<String> lines = new ArrayList<>();
        if (!database.equals(other.database)) {
            lines.add("database properties differ:");
            lines.addAll(DatabaseFingerprint.lineDiff(database, other.database));
        }
        if (!schema.equals(other.schema)) {
            lines.add("schema differs:");
            lines.addAll(DatabaseFingerprint.lineDiff(schema, other.schema));
        }
        lines.addAll(mapDiff("table", relations, other.relations));
        lines.addAll(mapDiff("sequence", sequences, other.sequences));
        if (!largeObjects.equals(other.largeObjects)) {
            lines.add("large objects: expected " + largeObjects + " but was " + other.largeObjects);
        }
        return String.join("\n", lines.size() > 200 ? lines.subList(0, 200) : lines);
    }

    private static List<String> mapDiff(String kind, Map<String, String> expected, Map<String, String> actual) {
        List<String> lines = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            String mine = expected.get(name);
            String theirs = actual.get(name);
            if (!Objects.equals(mine, theirs)) {
                lines.add(kind + " " + name + ": expected " + (mine == null ? "(missing)" : mine) + " but was "
                        + (theirs == null ? "(missing)" : theirs));
            }
        }
        return lines;
    }

    private static String databaseProperties(CorpusTarget target) {
        // datlocprovider (15+), daticulocale (15, 16) and datlocale (17+) are read through jsonb so that one query
        // serves every major
        return target.query("""
                SELECT concat_ws(E'\n',
                    'encoding ' || pg_encoding_to_char(d.encoding),
                    'collate ' || d.datcollate,
                    'ctype ' || d.datctype,
                    'provider ' || coalesce(to_jsonb(d) ->> 'datlocprovider', 'c'),
                    'locale ' || coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale', ''),
                    'owner ' || pg_get_userbyid(d.datdba),
                    'acl ' || coalesce(d.datacl::text, ''),
                    'connection limit ' || d.datconnlimit,
                    'comment ' || coalesce(shobj_description(d.oid, 'pg_database'), ''),
                    (SELECT string_agg('settings ' || CASE WHEN s.setrole = 0 THEN '' ELSE 'of role '
                                || pg_get_userbyid(s.setrole) || ' ' END || array_to_string(s.setconfig, ', '),
                                E'\n' ORDER BY s.setrole <> 0, pg_get_userbyid(s.setrole))
                     FROM pg_db_role_setting s WHERE s.setdatabase = d.oid))
                FROM pg_database d WHERE d.datname = current_database()
                """);
    }

    private static String schemaDump(CorpusTarget target) {
        List<String> command =
                List.of(target.binDir().resolve("pg_dump").toString(), "--schema-only", "-d", target.database());
        ExternalCommand.Result result = CorpusTarget.runProgram(command, target.environment(), PG_DUMP_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "pg_dump --schema-only of database '" + target.database() + "' failed (exit " + result.exitCode()
                            + "): " + result.stderr().strip());
        }
        String database = target.database();
        return result.stdout()
                .lines()
                .filter(line -> !line.startsWith("-- Dumped from") && !line.startsWith("-- Dumped by"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .map(line -> line.replace(database, "<database>"))
                .collect(Collectors.joining("\n"));
    }

    private static SortedMap<String, String> relations(CorpusTarget target) {
        List<String> rows = CorpusTarget.lines(target.query("""
                SELECT format('%I.%I', n.nspname, c.relname) || E'\\t' || CASE WHEN c.relispopulated THEN 't' ELSE 'f' END
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'm')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%'
                  AND n.nspname NOT LIKE 'pg\\_temp%'
                ORDER BY 1
                """));
        SortedMap<String, String> result = new TreeMap<>();
        StringBuilder sql = new StringBuilder();
        for (String row : rows) {
            int tab = row.lastIndexOf('\t');
            String name = row.substring(0, tab);
            if (row.endsWith("\tf")) {
                result.put(name, "not populated");
                continue;
            }
            sql.append("SELECT ")
                    .append(PostgresServer.quoteLiteral(name))
                    .append(" || E'\\t' || count(*) || ' rows, md5 '")
                    .append(" || md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), ''))")
                    .append(" FROM (SELECT md5(t::text) AS h FROM ONLY ")
                    .append(name)
                    .append(" t) AS d;\n");
        }
        if (sql.length() > 0) {
            for (String line : CorpusTarget.lines(target.query(sql.toString()))) {
                int tab = line.lastIndexOf('\t');
                result.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return result;
    }

    private static SortedMap<String, String> sequences(CorpusTarget target) {
        Map<String, String> result = new HashMap<>();
        for (String line : CorpusTarget.lines(target.query("""
                SELECT format('%I.%I', schemaname, sequencename) || E'\\t' || coalesce(last_value::text, 'null')
                FROM pg_sequences ORDER BY 1
                """))) {
            int tab = line.lastIndexOf('\t');
            result.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return new TreeMap<>(result);
    }

    private static String largeObjects(CorpusTarget target) {
        return target.query("""
                SELECT count(*) || ' large objects, md5 ' || md5(coalesce(string_agg(
                           m.oid::text || ':' || pg_get_userbyid(m.lomowner) || ':' || coalesce(m.lomacl::text, '')
                           || ':' || coalesce(obj_description(m.oid, 'pg_largeobject'), '') || ':' || md5(lo_get(m.oid)),
                           '|' ORDER BY m.oid), ''))
                FROM pg_largeobject_metadata m
                """);
    }
}
