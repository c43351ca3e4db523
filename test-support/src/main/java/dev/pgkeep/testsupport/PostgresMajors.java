package dev.pgkeep.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL servers of several majors installed side by side, for tests that run on every major: Debian's
 * {@code /usr/lib/postgresql/<major>/bin} and the team's toolbox folders {@code /opt/pgmajors/<major>/bin}
 * ({@code PGKEEP_TEST_PG_MAJORS_DIR} overrides the latter; {@code shared/tools/install-pg-majors.sh} fills it).
 *
 * <p>{@code PGKEEP_TEST_REQUIRE_MAJORS} (e.g. {@code "13 14 15 16 17 18"}, as CI sets it) names majors whose absence
 * fails a test instead of skipping it, so a CI machine that lost a server cannot pass by running less.
 */
public final class PostgresMajors {
    private PostgresMajors() {}

    /** Server folders (holding {@code initdb}, {@code pg_ctl}, {@code postgres}) by major. */
    public static Map<Integer, Path> servers() {
        Map<Integer, Path> found = new TreeMap<>();
        String toolbox = Objects.requireNonNullElse(System.getenv("PGKEEP_TEST_PG_MAJORS_DIR"), "/opt/pgmajors");
        for (Path base : new Path[] {Path.of(toolbox), Path.of("/usr/lib/postgresql")}) {
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (Stream<Path> children = Files.list(base)) {
                children.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb"))
                                && Files.isExecutable(p.resolve("bin/postgres")))
                        .forEach(p -> found.putIfAbsent(
                                Integer.parseInt(p.getFileName().toString()), p.resolve("bin")));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot list " + base + ": " + e.getMessage(), e);
            }
        }
        return found;
    }

    /** The majors {@code PGKEEP_TEST_REQUIRE_MAJORS} names. */
    public static Set<Integer> required() {
        String value = System.getenv("PGKEEP_TEST_REQUIRE_MAJORS");
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.trim().split("[\\s,]+"))
                .map(Integer::parseInt)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The server folder of {@code major}; {@code null} when it is not installed and not required (the caller skips),
     * and a failure when it is required.
     */
    public static @Nullable Path server(int major) {
        Path bin = servers().get(major);
        if (bin == null && required().contains(major)) {
            throw new IllegalStateException("PostgreSQL " + major + " is required (PGKEEP_TEST_REQUIRE_MAJORS) but"
                    + " not installed; run shared/tools/install-pg-majors.sh (found: "
                    + servers().keySet() + ").");
        }
        return bin;
    }
}
