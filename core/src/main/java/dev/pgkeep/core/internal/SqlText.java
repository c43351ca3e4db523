package dev.pgkeep.core.internal;

/** Quoting for the few SQL statements pgkeep builds itself (sent through psql). */
final class SqlText {
    private SqlText() {}

    /** A string literal: {@code it's} becomes {@code 'it''s'}. */
    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL text");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** A quoted identifier: {@code My "db"} becomes {@code "My ""db"""}. */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL identifier");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
