package dev.pgkeep.core;

import dev.pgkeep.core.spi.RestoreCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * SQL {@link RestoreCheck}s: a statement holds when it returns no rows, or one row whose only column is true. So both
 * {@code SELECT id FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)} (the offending rows) and
 * {@code SELECT max(created) > now() - interval '1 day' FROM events} (a verdict) read naturally.
 */
public final class RestoreChecks {
    private RestoreChecks() {}

    /** One SQL statement as a check named {@code name}. */
    public static RestoreCheck sql(String name, String sql) {
        return new RestoreCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public @Nullable String check(Restored restored) {
                List<List<@Nullable String>> rows = restored.query(sql);
                if (rows.isEmpty()) {
                    return null;
                }
                if (rows.size() == 1
                        && rows.get(0).size() == 1
                        && "t".equals(rows.get(0).get(0))) {
                    return null;
                }
                List<@Nullable String> first = rows.get(0);
                return rows.size() == 1 && first.size() == 1
                        ? "returned " + first.get(0) + ", not true"
                        : "returned " + rows.size() + " row(s), e.g. " + first;
            }

            @Override
            public String toString() {
                return "SQL check " + name;
            }
        };
    }

    /**
     * The statements of a SQL file, each a check named {@code file:line}; statements end with {@code ;} at the end of
     * a line, {@code --} comments are skipped.
     *
     * @throws BadInputException when the file cannot be read or holds no statement
     */
    public static List<RestoreCheck> fromSqlFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("Cannot read the check file " + file + ": " + e.getMessage());
        }
        List<RestoreCheck> checks = new ArrayList<>();
        StringBuilder statement = new StringBuilder();
        int startLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("--") || (statement.length() == 0 && line.isBlank())) {
                continue;
            }
            if (statement.length() == 0) {
                startLine = i + 1;
            }
            statement.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String sql = statement.toString().strip();
                checks.add(sql(file.getFileName() + ":" + startLine, sql.substring(0, sql.length() - 1)));
                statement.setLength(0);
            }
        }
        if (statement.length() > 0) {
            throw new BadInputException("The check file " + file + " ends inside a statement (line " + startLine
                    + "): end every statement with ';'.");
        }
        if (checks.isEmpty()) {
            throw new BadInputException("The check file " + file + " holds no SQL statement.");
        }
        return checks;
    }
}
