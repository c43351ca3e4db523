package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BadInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An archive's table of contents as {@code pg_restore --list --verbose} prints it (the tools are the authority on
 * the archive, whatever its version), and the selection of a table or schema with everything that belongs to it: its
 * data, indexes, constraints, defaults, triggers, sequences, comments and grants, found through the entries'
 * dependencies rather than by name.
 */
public final class TableOfContents {
    /** Descriptions of more than one word, as pg_dump writes them; longest first so that a prefix never wins. */
    private static final List<String> MULTI_WORD_DESCS = List.of(
            "MATERIALIZED VIEW DATA",
            "SEQUENCE OWNED BY",
            "DEFAULT ACL",
            "MATERIALIZED VIEW",
            "FOREIGN TABLE",
            "FOREIGN DATA WRAPPER",
            "FK CONSTRAINT",
            "CHECK CONSTRAINT",
            "TABLE DATA",
            "TABLE ATTACH",
            "INDEX ATTACH",
            "SEQUENCE SET",
            "ROW SECURITY",
            "SECURITY LABEL",
            "PUBLICATION TABLE",
            "PUBLICATION TABLES IN SCHEMA",
            "EVENT TRIGGER",
            "TEXT SEARCH CONFIGURATION",
            "TEXT SEARCH DICTIONARY",
            "TEXT SEARCH PARSER",
            "TEXT SEARCH TEMPLATE",
            "USER MAPPING",
            "SERVER",
            "LARGE OBJECT",
            "BLOB METADATA",
            "STATISTICS DATA",
            "ACCESS METHOD",
            "OPERATOR CLASS",
            "OPERATOR FAMILY",
            "PROCEDURAL LANGUAGE",
            "SHELL TYPE");

    /**
     * Objects that stand on their own: reached from a selected table only when selected themselves. Views are not
     * among them: a view on a restored table is recreated with it (it has to be dropped with it, too).
     */
    private static final Set<String> STANDALONE = Set.of(
            "TABLE",
            "FOREIGN TABLE",
            "FUNCTION",
            "PROCEDURE",
            "AGGREGATE",
            "TYPE",
            "DOMAIN",
            "SCHEMA",
            "EXTENSION",
            "PUBLICATION",
            "SUBSCRIPTION");

    /** What a restored object may need in a new database besides relations; they come along. */
    private static final Set<String> PREREQUISITES = Set.of(
            "SCHEMA",
            "EXTENSION",
            "TYPE",
            "SHELL TYPE",
            "DOMAIN",
            "FUNCTION",
            "PROCEDURE",
            "AGGREGATE",
            "COLLATION",
            "CONVERSION",
            "OPERATOR",
            "OPERATOR CLASS",
            "OPERATOR FAMILY",
            "ACCESS METHOD",
            "PROCEDURAL LANGUAGE",
            "TEXT SEARCH CONFIGURATION",
            "TEXT SEARCH DICTIONARY",
            "TEXT SEARCH PARSER",
            "TEXT SEARCH TEMPLATE",
            "SEQUENCE");

    /** Relations whose absence makes an object depending on them fail to restore. */
    private static final Set<String> RELATIONS =
            Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "SEQUENCE");

    /** Entries pg_restore needs for any restore (client encoding, string syntax, search path). */
    private static final Set<String> SESSION = Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH");

    /** One entry: {@code <id>; <tableoid> <oid> <DESC> <namespace> <tag> <owner>}, then its dependencies. */
    public record Entry(int id, String desc, @Nullable String namespace, String tag, String owner, List<Integer> deps) {
        /** {@code DESC namespace tag}, as pg_restore lists it. */
        public String describe() {
            return desc + " " + (namespace == null ? "-" : namespace) + " " + tag;
        }
    }

    /** A table named by {@code SCHEMA.NAME}. */
    public record TableName(String schema, String name) {
        public static TableName parse(String qualified) {
            int dot = qualified.indexOf('.');
            if (dot <= 0 || dot == qualified.length() - 1 || qualified.indexOf('.', dot + 1) >= 0) {
                throw new BadInputException(
                        "A table to restore is named SCHEMA.NAME (e.g. public.orders), got '" + qualified + "'.");
            }
            return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
        }

        @Override
        public String toString() {
            return schema + "." + name;
        }
    }

    /**
     * What to restore.
     *
     * @param ids the entries, in archive order, for {@code pg_restore --use-list}
     * @param leftOut entries that belong to the selection but need objects it does not hold
     */
    public record Selection(List<Integer> ids, List<String> leftOut) {}

    private final Map<Integer, Entry> entries;

    private TableOfContents(Map<Integer, Entry> entries) {
        this.entries = entries;
    }

    /** Parses {@code pg_restore --list --verbose} output. */
    public static TableOfContents parse(Collection<String> lines) {
        Map<Integer, Entry> entries = new LinkedHashMap<>();
        Entry last = null;
        for (String line : lines) {
            if (line.startsWith(";\tdepends on:") && last != null) {
                List<Integer> deps = new ArrayList<>();
                for (String id :
                        line.substring(";\tdepends on:".length()).trim().split("\\s+")) {
                    if (!id.isEmpty()) {
                        deps.add(Integer.parseInt(id));
                    }
                }
                last = new Entry(last.id(), last.desc(), last.namespace(), last.tag(), last.owner(), deps);
                entries.put(last.id(), last);
                continue;
            }
            Entry e = parseEntry(line);
            if (e != null) {
                entries.put(e.id(), e);
                last = e;
            }
        }
        return new TableOfContents(entries);
    }

    private static @Nullable Entry parseEntry(String line) {
        int semicolon = line.indexOf(';');
        if (line.isBlank() || line.startsWith(";") || semicolon <= 0) {
            return null;
        }
        int id;
        try {
            id = Integer.parseInt(line.substring(0, semicolon).trim());
        } catch (NumberFormatException e) {
            return null;
        }
        // "<tableoid> <oid> DESC ..." after the "; "
        // trailing blanks matter: an entry without owner ends with "tag " (ENCODING - ENCODING )
        String[] head = line.substring(semicolon + 1).stripLeading().split(" ", 3);
        if (head.length < 3) {
            return null;
        }
        String rest = head[2];
        String desc = MULTI_WORD_DESCS.stream()
                .filter(d -> rest.startsWith(d + " "))
                .findFirst()
                .orElse(rest.split(" ", 2)[0]);
        String[] words =
                rest.substring(Math.min(rest.length(), desc.length() + 1)).split(" ", -1);
        String namespace = words.length > 0 && !words[0].equals("-") ? words[0] : null;
        String owner = words.length > 1 ? words[words.length - 1] : "";
        String tag = words.length > 2 ? String.join(" ", List.of(words).subList(1, words.length - 1)) : "";
        return new Entry(id, desc, namespace, tag, owner, List.of());
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    /**
     * The entries that restore {@code tables} and {@code schemas} with everything that belongs to them. Into a new
     * database ({@code intoNewDatabase}) their prerequisites come too (schemas, types, functions, extensions, shared
     * sequences) and what needs a relation outside the selection (a foreign key to another table) is left out; into an
     * existing database those prerequisites are expected there already and such objects are restored.
     *
     * @throws BadInputException when a table or schema is not in the archive
     */
    public Selection select(List<TableName> tables, List<String> schemas, boolean intoNewDatabase) {
        Set<Integer> roots = new LinkedHashSet<>();
        for (TableName t : tables) {
            List<Entry> found = entries.values().stream()
                    .filter(e -> e.desc().equals("TABLE")
                            && t.schema().equals(e.namespace())
                            && t.name().equals(e.tag()))
                    .toList();
            if (found.isEmpty()) {
                throw new BadInputException(
                        "The backup holds no table " + t + "; its tables are " + tableNames() + ".");
            }
            found.forEach(e -> roots.add(e.id()));
        }
        for (String schema : schemas) {
            List<Entry> found = entries.values().stream()
                    .filter(e -> schema.equals(e.namespace())
                            || (e.desc().equals("SCHEMA") && e.tag().equals(schema)))
                    .toList();
            if (found.stream()
                    .noneMatch(e -> e.desc().equals("SCHEMA") || e.desc().equals("TABLE"))) {
                throw new BadInputException("The backup holds no schema " + schema + "; its schemas are "
                        + entries.values().stream()
                                .filter(e -> e.desc().equals("SCHEMA"))
                                .map(Entry::tag)
                                .collect(Collectors.toCollection(TreeSet::new))
                        + ".");
            }
            found.forEach(e -> roots.add(e.id()));
        }
        Set<Integer> selected = new LinkedHashSet<>(roots);
        Map<Integer, List<Entry>> dependents = new HashMap<>();
        for (Entry e : entries.values()) {
            for (int dep : e.deps()) {
                dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(e);
            }
        }
        // what belongs to a selected object: its data, indexes, constraints, sequences, comments, grants, ...
        List<Integer> queue = new ArrayList<>(selected);
        while (!queue.isEmpty()) {
            int id = queue.remove(queue.size() - 1);
            for (Entry d : dependents.getOrDefault(id, List.of())) {
                if (!STANDALONE.contains(d.desc()) && selected.add(d.id())) {
                    queue.add(d.id());
                }
            }
        }
        List<String> leftOut = new ArrayList<>();
        if (intoNewDatabase) {
            // prerequisites: schemas, types, functions, extensions, collations, a sequence shared with other tables
            queue = new ArrayList<>(selected);
            while (!queue.isEmpty()) {
                Entry e = entries.get(queue.remove(queue.size() - 1));
                for (int dep : e == null ? List.<Integer>of() : e.deps()) {
                    Entry d = entries.get(dep);
                    if (d != null && PREREQUISITES.contains(d.desc()) && selected.add(d.id())) {
                        queue.add(d.id());
                        if (d.desc().equals("SEQUENCE")) {
                            // its current value and ownership come with it
                            for (Entry s : dependents.getOrDefault(d.id(), List.of())) {
                                if ((s.desc().equals("SEQUENCE SET") || s.desc().equals("SEQUENCE OWNED BY"))
                                        && selected.add(s.id())) {
                                    queue.add(s.id());
                                }
                            }
                        }
                    }
                }
            }
            // objects needing a relation that is not restored (a foreign key to another table) cannot be created
            boolean removed = true;
            while (removed) {
                removed = false;
                for (Integer id : List.copyOf(selected)) {
                    Entry e = entries.get(id);
                    if (e == null || roots.contains(id)) {
                        continue;
                    }
                    for (int dep : e.deps()) {
                        Entry d = entries.get(dep);
                        if (d != null && !selected.contains(dep)) {
                            if (RELATIONS.contains(d.desc())) {
                                selected.remove(id);
                                leftOut.add(e.describe() + " (needs " + d.describe() + ")");
                                removed = true;
                                break;
                            }
                        }
                    }
                }
            }
        }
        for (Entry e : entries.values()) {
            if (SESSION.contains(e.desc())) {
                selected.add(e.id());
            }
        }
        List<Integer> ids = entries.keySet().stream().filter(selected::contains).toList();
        return new Selection(ids, leftOut);
    }

    /**
     * Whether {@code e} belongs to one of {@code schemas}: the schema itself, an object in it, or the schema's comment,
     * grants or security label.
     */
    public static boolean inSchemas(Entry e, Collection<String> schemas) {
        if (e.namespace() != null && schemas.contains(e.namespace())) {
            return true;
        }
        if (e.desc().equals("SCHEMA")) {
            return schemas.contains(e.tag());
        }
        return e.tag().startsWith("SCHEMA ") && schemas.contains(e.tag().substring("SCHEMA ".length()));
    }

    /**
     * {@code ids} (or, when {@code null}, every entry) without the entries of {@code schemas}, in list order; {@code
     * null} when there is nothing to leave out, so that the whole archive is restored as before.
     */
    public @Nullable List<Integer> without(Collection<String> schemas, @Nullable List<Integer> ids) {
        if (schemas.isEmpty()) {
            return ids;
        }
        boolean any = entries.values().stream().anyMatch(e -> inSchemas(e, schemas));
        if (!any) {
            return ids;
        }
        Set<Integer> kept = ids == null ? entries.keySet() : new LinkedHashSet<>(ids);
        List<Integer> result = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (kept.contains(e.id()) && !inSchemas(e, schemas)) {
                result.add(e.id());
            }
        }
        return result;
    }

    private Set<String> tableNames() {
        return entries.values().stream()
                .filter(e -> e.desc().equals("TABLE"))
                .map(e -> e.namespace() + "." + e.tag())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
