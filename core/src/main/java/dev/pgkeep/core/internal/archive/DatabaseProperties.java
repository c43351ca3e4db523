package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.internal.archive.ArchiveHeader.DatabaseEntry;
import dev.pgkeep.core.internal.postgres.SqlText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an archive says about the database itself, which pg_restore applies only when it creates the database
 * ({@code --create}) and then only under the source's name: encoding and locale (the {@code DATABASE} entry's
 * {@code CREATE DATABASE} options), database-level settings ({@code ALTER DATABASE ... SET}, {@code ALTER ROLE ...
 * IN DATABASE ... SET}), its comment and its privileges. pgkeep creates the target itself, under any name, so it
 * rewrites these for the target's name and server major.
 */
public final class DatabaseProperties {
    static final DatabaseProperties NONE = new DatabaseProperties(null, Map.of(), List.of(), List.of(), null);

    /** CREATE DATABASE options and the first major that accepts each; TABLESPACE is left out (it is per server). */
    private static final Map<String, Integer> OPTION_SINCE = Map.of(
            "TEMPLATE", 0,
            "ENCODING", 0,
            "LC_COLLATE", 0,
            "LC_CTYPE", 0,
            "LOCALE", 13,
            "LOCALE_PROVIDER", 15,
            "ICU_LOCALE", 15,
            "COLLATION_VERSION", 15,
            "ICU_RULES", 16,
            "BUILTIN_LOCALE", 17);

    private final @Nullable String sourceName;
    private final Map<String, String> createOptions;
    private final List<String> settings;
    private final List<String> privileges;
    private final @Nullable String owner;

    private DatabaseProperties(
            @Nullable String sourceName,
            Map<String, String> createOptions,
            List<String> settings,
            List<String> privileges,
            @Nullable String owner) {
        this.sourceName = sourceName;
        this.owner = owner;
        this.createOptions = createOptions;
        this.settings = settings;
        this.privileges = privileges;
    }

    /** Reads the entries the inspector collected; anything it does not recognize is left out. */
    static DatabaseProperties from(List<DatabaseEntry> entries) {
        String name = null;
        String owner = null;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> settings = new ArrayList<>();
        List<String> privileges = new ArrayList<>();
        for (DatabaseEntry e : entries) {
            if (e.desc().equals("DATABASE") && e.defn().startsWith("CREATE DATABASE ")) {
                String rest = e.defn().substring("CREATE DATABASE ".length());
                name = identifierAtStart(rest);
                owner = e.owner() == null || e.owner().isEmpty() ? null : e.owner();
                if (name != null) {
                    parseOptions(rest.substring(name.length()), options);
                }
            }
        }
        if (name == null) {
            return NONE;
        }
        for (DatabaseEntry e : entries) {
            // a comment is one statement, and its text may hold anything
            List<String> statements =
                    e.desc().equals("COMMENT") ? List.of(e.defn().strip()) : statements(e.defn());
            for (String statement : statements) {
                if (e.desc().equals("DATABASE PROPERTIES") || e.desc().equals("COMMENT")) {
                    if (statement.startsWith("ALTER DATABASE ")
                            || statement.startsWith("ALTER ROLE ")
                            || statement.startsWith("COMMENT ON DATABASE ")) {
                        settings.add(statement);
                    }
                } else if (e.desc().equals("ACL")
                        && (statement.startsWith("GRANT ") || statement.startsWith("REVOKE "))) {
                    privileges.add(statement);
                }
            }
        }
        return new DatabaseProperties(name, Map.copyOf(options), List.copyOf(settings), List.copyOf(privileges), owner);
    }

    public boolean isEmpty() {
        return sourceName == null;
    }

    /**
     * {@code CREATE DATABASE target} with the source's options that a server of {@code serverMajor} accepts; options it
     * lacks are named in {@code dropped} (the libc provider, the default before 15, is left out silently).
     */
    public String createStatement(String targetIdentifier, int serverMajor, List<String> dropped) {
        StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(targetIdentifier);
        Map<String, String> options = new LinkedHashMap<>(createOptions);
        options.put("TEMPLATE", "template0");
        boolean providerDropped = false;
        StringBuilder with = new StringBuilder();
        for (String key : List.of(
                "TEMPLATE",
                "ENCODING",
                "LOCALE_PROVIDER",
                "LOCALE",
                "LC_COLLATE",
                "LC_CTYPE",
                "ICU_LOCALE",
                "ICU_RULES",
                "BUILTIN_LOCALE",
                "COLLATION_VERSION")) {
            String value = options.get(key);
            if (value == null) {
                continue;
            }
            if (serverMajor < OPTION_SINCE.get(key)) {
                if (key.equals("LOCALE_PROVIDER") && value.equalsIgnoreCase("libc")) {
                    continue;
                }
                providerDropped |= key.equals("LOCALE_PROVIDER");
                dropped.add(key + " = " + value);
                continue;
            }
            with.append(' ').append(key).append(" = ").append(value);
        }
        if (providerDropped) {
            dropped.add("(the database gets the server's default collation provider)");
        }
        for (String key : createOptions.keySet()) {
            if (!OPTION_SINCE.containsKey(key)) {
                dropped.add(key + " = " + createOptions.get(key));
            }
        }
        return sql.append(" WITH").append(with).append(';').toString();
    }

    /** {@code ALTER DATABASE target OWNER TO} the source's owner, as pg_restore --create does; empty when unknown. */
    public List<String> ownerStatement(String targetIdentifier) {
        String o = owner;
        return o == null
                ? List.of()
                : List.of("ALTER DATABASE " + targetIdentifier + " OWNER TO " + SqlText.identifier(o) + ";");
    }

    /** The settings and comment (and with {@code withPrivileges} the grants) of the source, for the target. */
    public List<String> statementsFor(String targetIdentifier, boolean withPrivileges) {
        String source = sourceName;
        if (source == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        List<String> all = new ArrayList<>(settings);
        if (withPrivileges) {
            all.addAll(privileges);
        }
        for (String statement : all) {
            String renamed = renamed(statement, source, targetIdentifier);
            if (renamed != null) {
                result.add(renamed);
            }
        }
        return result;
    }

    /** The statement about {@code source} made about {@code target}; {@code null} when it is not of a known shape. */
    static @Nullable String renamed(String statement, String source, String target) {
        for (String[] shape : new String[][] {
            {"ALTER DATABASE ", " "},
            {"COMMENT ON DATABASE ", " IS "},
            {" IN DATABASE ", " SET "},
            {" ON DATABASE ", " TO "},
            {" ON DATABASE ", " FROM "}
        }) {
            String needle = shape[0] + source + shape[1];
            int at = statement.indexOf(needle);
            if (at >= 0 && (shape[0].startsWith(" ") || at == 0)) {
                return statement.substring(0, at)
                        + shape[0]
                        + target
                        + shape[1]
                        + statement.substring(at + needle.length());
            }
        }
        return null;
    }

    /** The identifier (bare or double-quoted) {@code text} starts with, as written; {@code null} if none. */
    static @Nullable String identifierAtStart(String text) {
        if (text.startsWith("\"")) {
            int i = 1;
            while (i < text.length()) {
                if (text.charAt(i) == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    return text.substring(0, i + 1);
                }
                i++;
            }
            return null;
        }
        int end = 0;
        while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != ';') {
            end++;
        }
        return end == 0 ? null : text.substring(0, end);
    }

    /** {@code WITH KEY = value ...;}: values are 'literals' (with '' inside), "identifiers" or bare words. */
    private static void parseOptions(String text, Map<String, String> into) {
        String t = text.strip();
        if (!t.startsWith("WITH ")) {
            return;
        }
        int i = "WITH ".length();
        while (i < t.length()) {
            while (i < t.length() && t.charAt(i) == ' ') {
                i++;
            }
            int keyStart = i;
            while (i < t.length() && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '_')) {
                i++;
            }
            String key = t.substring(keyStart, i).toUpperCase(java.util.Locale.ROOT);
            while (i < t.length() && (t.charAt(i) == ' ' || t.charAt(i) == '=')) {
                i++;
            }
            if (key.isEmpty() || i >= t.length()) {
                return;
            }
            int valueStart = i;
            char quote = t.charAt(i);
            if (quote == '\'' || quote == '"') {
                i++;
                while (i < t.length()) {
                    if (t.charAt(i) == quote) {
                        if (i + 1 < t.length() && t.charAt(i + 1) == quote) {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            } else {
                while (i < t.length() && t.charAt(i) != ' ' && t.charAt(i) != ';') {
                    i++;
                }
            }
            into.put(key, t.substring(valueStart, i));
            if (i < t.length() && t.charAt(i) == ';') {
                return;
            }
        }
    }

    /** pg_dump's statements in one entry: each ends with ";" and a line break. */
    private static List<String> statements(String defn) {
        List<String> out = new ArrayList<>();
        for (String line : defn.split(";\n")) {
            String s = line.strip();
            if (!s.isEmpty()) {
                out.add(s.endsWith(";") ? s : s + ";");
            }
        }
        return out;
    }
}
