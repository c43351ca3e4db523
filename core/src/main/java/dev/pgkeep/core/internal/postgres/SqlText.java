package dev.pgkeep.core.internal.postgres;

/** Quoting for the few SQL statements pgkeep builds itself (sent through psql). */
public final class SqlText {
    private SqlText() {}

    /**
     * A string literal: {@code it's} becomes {@code 'it''s'}. A value holding a backslash becomes an escape string
     * ({@code E'a\\b'}), which means the same whatever {@code standard_conforming_strings} says (a connection's
     * options may turn it off, and a plain literal would then let a backslash escape the closing quote).
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL text");
        }
        if (value.indexOf('\\') >= 0) {
            return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** A quoted identifier: {@code My "db"} becomes {@code "My ""db"""}. */
    public static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL identifier");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
