package dev.pgkeep.testsupport;

import dev.pgkeep.core.PostgresTools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the folder holding the PostgreSQL programs: the first folder of {@code PGKEEP_PG_BIN} that has it, the newest
 * Debian install, or PATH.
 */
final class PostgresBinaries {
    private PostgresBinaries() {}

    /** The folder holding {@code program} (e.g. {@code initdb} or {@code psql}), with a message saying how to fix. */
    static Path locate(String program) {
        String configured = System.getenv("PGKEEP_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            // several folders (one per major, as pgkeep itself takes them): the first that has the program
            for (Path dir : PostgresTools.splitPath(configured)) {
                if (Files.isExecutable(dir.resolve(program))) {
                    return dir;
                }
            }
            throw new IllegalStateException("PGKEEP_PG_BIN=" + configured + " holds no executable '" + program
                    + "'; point it at PostgreSQL bin folders (e.g. /usr/lib/postgresql/15/bin), separated by ':'.");
        }
        return newestDebianBin(program)
                .or(() -> onPath(program))
                .orElseThrow(() -> new IllegalStateException("No PostgreSQL '" + program
                        + "' found in /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL 15+ (apt-get install"
                        + " postgresql-15) or set PGKEEP_PG_BIN to its bin folder."));
    }

    private static Optional<Path> newestDebianBin(String program) {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin").resolve(program)))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry).resolve(program);
            if (Files.isExecutable(candidate)) {
                try {
                    // Debian's /usr/bin/psql is a wrapper script; the real folder keeps the tools of one version
                    // together
                    return Optional.of(candidate.toRealPath().getParent());
                } catch (IOException e) {
                    return Optional.of(candidate.getParent());
                }
            }
        }
        return Optional.empty();
    }
}
