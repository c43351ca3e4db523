package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.PgkeepException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where PostgreSQL client tools are installed: the folders a user names, or every standard place. */
public final class ToolFolders {
    private static final Logger log = LoggerFactory.getLogger(ToolFolders.class);

    private ToolFolders() {}

    /** A {@code :}-separated list of folders as paths (empty entries skipped). */
    public static List<Path> split(String folders) {
        List<Path> paths = new ArrayList<>();
        for (String part : folders.split(Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.strip()));
            }
        }
        return paths;
    }

    static List<Path> requireClientFolders(List<Path> folders, String source) {
        List<Path> usable = folders.stream().filter(ToolFolders::hasClientTools).toList();
        if (usable.isEmpty()) {
            throw new PgkeepException("No pg_dump in " + source + " " + folders
                            + "; name the folders holding pg_dump (PGKEEP_PG_BIN takes several, separated by ':').")
                    .withRemedy(PgkeepException.Remedy.TOOLS, null);
        }
        for (Path f : folders) {
            if (!usable.contains(f)) {
                log.debug("Ignoring {} from {}: it holds no pg_dump", f, source);
            }
        }
        return usable;
    }

    static boolean hasClientTools(Path folder) {
        return Files.isExecutable(folder.resolve("pg_dump"));
    }

    /** Every standard installation folder that holds pg_dump, by real path, once each. */
    static List<Path> standard() {
        Set<Path> found = new LinkedHashSet<>();
        addChildren(found, Path.of("/usr/lib/postgresql"), "\\d+", "bin");
        addChildren(found, Path.of("/usr"), "pgsql-\\d+", "bin");
        addChildren(found, Path.of("/opt/homebrew/opt"), "postgresql(@\\d+)?", "bin");
        addChildren(found, Path.of("/usr/local/opt"), "postgresql(@\\d+)?", "bin");
        String path = System.getenv("PATH");
        if (path != null) {
            for (Path dir : split(path)) {
                if (hasClientTools(dir)) {
                    realFolderOf(dir.resolve("pg_dump")).ifPresent(found::add);
                    break;
                }
            }
        }
        return List.copyOf(found);
    }

    private static void addChildren(Set<Path> found, Path base, String namePattern, String bin) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (Stream<Path> children = Files.list(base)) {
            children.filter(p -> p.getFileName().toString().matches(namePattern))
                    .map(p -> p.resolve(bin))
                    .filter(ToolFolders::hasClientTools)
                    .sorted()
                    .forEach(p -> realFolderOf(p.resolve("pg_dump")).ifPresent(found::add));
        } catch (IOException e) {
            log.debug("Cannot list {}: {}", base, e.toString());
        }
    }

    private static Optional<Path> realFolderOf(Path program) {
        try {
            // Debian's /usr/bin/pg_dump is a wrapper script; the real folder keeps the tools of one version together
            Path real = program.toRealPath();
            if (real.getFileName().toString().equals("pg_wrapper")) {
                return Optional.empty();
            }
            return Optional.of(real.getParent());
        } catch (IOException e) {
            return Optional.of(program.getParent());
        }
    }
}
