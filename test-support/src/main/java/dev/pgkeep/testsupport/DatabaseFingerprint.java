package dev.pgkeep.testsupport;

import dev.pgkeep.core.cluster.ExternalCommand;
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
 * What a database holds, reduced to comparable values: the schema as {@code pg_dump --schema-only --no-owner} prints
 * it (without the version header, the per-dump {@code \restrict} key and the database's own name), and for every
 * table holding rows (plain tables and partitions, i.e. leaves, never partitioned parents) and every materialized
 * view the row count plus {@code md5} of its rows' text sorted; also every sequence's last value and the large
 * objects' contents, and the database's own properties (encoding, locale, settings, comment), which only a restore
 * that creates the database carries over. Two databases that compare equal hold the same schema and data.
 *
 * @param database the database's encoding, locale, database-level settings and comment, one per line
 * @param schema the normalized schema dump
 * @param relations {@code schema.table} (quoted as needed) to its row count and digest
 * @param sequences {@code schema.sequence} to its last value ({@code null} text when never used)
 * @param largeObjects count and digest of the large objects, by OID
 */
public record DatabaseFingerprint(
        String database,
        String schema,
        SortedMap<String, RelationDigest> relations,
        SortedMap<String, String> sequences,
        String largeObjects) {

    private static final Duration PG_DUMP_TIMEOUT = Duration.ofMinutes(5);

    public DatabaseFingerprint {
        relations = Collections.unmodifiableSortedMap(new TreeMap<>(relations));
        sequences = Collections.unmodifiableSortedMap(new TreeMap<>(sequences));
    }

    /** Row count and {@code md5(string_agg(row::text, '|' ORDER BY row::text))} of one table. */
    public record RelationDigest(long rows, String md5) {
        @Override
        public String toString() {
            return rows + " rows, md5 " + md5;
        }
    }

    /** Reads the fingerprint of {@code database} on {@code pg}; run it while nothing writes to the database. */
    public static DatabaseFingerprint of(PostgresServer pg, String database) {
        return new DatabaseFingerprint(
                databaseProperties(pg, database),
                schemaDump(pg, database),
                relations(pg, database),
                sequences(pg, database),
                largeObjects(pg, database));
    }

    /**
     * What differs, one line per difference ({@code this} is "expected", {@code other} "actual"), or an empty string
     * when both are equal; meant for assertion messages: {@code assertThat(expected.diff(actual)).isEmpty()}.
     */
    public String diff(DatabaseFingerprint other) {
        List<String> lines = new ArrayList<>();
        if (!database.equals(other.database)) {
            lines.add("database properties differ:");
            lines.addAll(lineDiff(database, other.database));
        }
        if (!schema.equals(other.schema)) {
            lines.add("schema differs:");
            lines.addAll(lineDiff(schema, other.schema));
        }
        TreeSet<String> names = new TreeSet<>(relations.keySet());
        names.addAll(other.relations.keySet());
        for (String name : names) {
            RelationDigest mine = relations.get(name);
            RelationDigest theirs = other.relations.get(name);
            if (mine == null) {
                lines.add("table " + name + ": unexpected (" + theirs + ")");
            } else if (theirs == null) {
                lines.add("table " + name + ": missing (expected " + mine + ")");
            } else if (!mine.equals(theirs)) {
                lines.add("table " + name + ": expected " + mine + " but was " + theirs);
            }
        }
        TreeSet<String> sequenceNames = new TreeSet<>(sequences.keySet());
        sequenceNames.addAll(other.sequences.keySet());
        for (String name : sequenceNames) {
            String mine = sequences.get(name);
            String theirs = other.sequences.get(name);
            if (!Objects.equals(mine, theirs)) {
                lines.add("sequence " + name + ": expected last value " + (mine == null ? "(missing)" : mine)
                        + " but was " + (theirs == null ? "(missing)" : theirs));
            }
        }
        if (!largeObjects.equals(other.largeObjects)) {
            lines.add("large objects: expected " + largeObjects + " but was " + other.largeObjects);
        }
        return String.join("\n", lines);
    }

    /** Works on PostgreSQL 13 to 18 (the locale provider columns are read through to_jsonb where they exist). */
    private static String databaseProperties(PostgresServer pg, String database) {
        return pg.psql(database, """
                SELECT concat_ws(E'\n',
                    'encoding ' || pg_encoding_to_char(d.encoding),
                    'collate ' || d.datcollate,
                    'ctype ' || d.datctype,
                    'provider ' || coalesce(to_jsonb(d) ->> 'datlocprovider', 'c'),
                    'locale ' || coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale', ''),
                    'settings ' || coalesce((SELECT array_to_string(s.setconfig, ', ') FROM pg_db_role_setting s
                                             WHERE s.setdatabase = d.oid AND s.setrole = 0), ''),
                    'comment ' || coalesce(shobj_description(d.oid, 'pg_database'), ''))
                FROM pg_database d WHERE d.datname = current_database()
                """);
    }

    private static String schemaDump(PostgresServer pg, String database) {
        List<String> command =
                List.of(pg.binDir().resolve("pg_dump").toString(), "--schema-only", "--no-owner", "-d", database);
        ExternalCommand.Result result =
                ExternalCommand.run(command, pg.clientEnvironment(database), null, null, PG_DUMP_TIMEOUT);
        if (!result.succeeded()) {
            throw new IllegalStateException("pg_dump --schema-only of database '" + database + "' failed (exit "
                    + result.exitCode() + "): " + result.stderr().strip());
        }
        return result.stdout()
                .lines()
                // version header and the random key of \restrict (pg_dump 15.14+) differ between dumps
                .filter(line -> !line.startsWith("-- Dumped from") && !line.startsWith("-- Dumped by"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .map(line -> line.replace(database, "<database>"))
                .collect(Collectors.joining("\n"));
    }

    private static SortedMap<String, RelationDigest> relations(PostgresServer pg, String database) {
        String names = pg.psql(database, """
                SELECT format('%I.%I', n.nspname, c.relname)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'm') AND c.relispopulated
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%'
                  AND n.nspname NOT LIKE 'pg\\_temp%'
                ORDER BY 1
                """);
        SortedMap<String, RelationDigest> result = new TreeMap<>();
        if (names.isBlank()) {
            return result;
        }
        StringBuilder sql = new StringBuilder();
        for (String name : names.split("\n")) {
            // E'\t' keeps the separator out of quoted names that may contain '|'
            sql.append("SELECT ")
                    .append(PostgresServer.quoteLiteral(name))
                    .append(" || E'\\t' || count(*) || E'\\t' || md5(coalesce(string_agg(t::text, '|' ORDER BY")
                    .append(" t::text COLLATE \"C\"), '')) FROM ")
                    .append(name)
                    .append(" t;\n");
        }
        for (String line : pg.psql(database, sql.toString()).split("\n")) {
            String[] parts = line.split("\t");
            result.put(parts[0], new RelationDigest(Long.parseLong(parts[1]), parts[2]));
        }
        return result;
    }

    private static SortedMap<String, String> sequences(PostgresServer pg, String database) {
        String rows = pg.psql(database, """
                SELECT format('%I.%I', schemaname, sequencename) || E'\\t' || coalesce(last_value::text, 'null')
                FROM pg_sequences ORDER BY 1
                """);
        Map<String, String> result = new HashMap<>();
        for (String line : rows.split("\n")) {
            if (!line.isEmpty()) {
                String[] parts = line.split("\t");
                result.put(parts[0], parts[1]);
            }
        }
        return new TreeMap<>(result);
    }

    private static String largeObjects(PostgresServer pg, String database) {
        return pg.psql(database, """
                SELECT count(*) || ' large objects, md5 '
                       || md5(coalesce(string_agg(oid::text || ':' || md5(lo_get(oid)), '|' ORDER BY oid), ''))
                FROM pg_largeobject_metadata
                """);
    }

    /** The lines only {@code expected} has ({@code - }) and those only {@code actual} has ({@code + }), at most 60. */
    public static List<String> lineDiff(String expected, String actual) {
        List<String> expectedLines = expected.lines().toList();
        List<String> actualLines = actual.lines().toList();
        List<String> out = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        actualLines.forEach(l -> counts.merge(l, 1, Integer::sum));
        for (String line : expectedLines) {
            if (counts.merge(line, -1, Integer::sum) < 0) {
                out.add("  - " + line);
            }
        }
        counts.clear();
        expectedLines.forEach(l -> counts.merge(l, 1, Integer::sum));
        for (String line : actualLines) {
            if (counts.merge(line, -1, Integer::sum) < 0) {
                out.add("  + " + line);
            }
        }
        if (out.isEmpty()) {
            out.add("  (same lines in another order)");
        }
        return out.size() > 60 ? out.subList(0, 60) : out;
    }
}
