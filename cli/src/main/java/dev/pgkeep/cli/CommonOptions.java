package dev.pgkeep.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class CommonOptions {
    @Option(
            names = "--repo",
            paramLabel = "URI",
            description = "Repository: a folder, file:///path or s3://bucket/prefix?endpoint=...&region=..."
                    + "&path-style=true (default: $PGKEEP_REPO).")
    @Nullable
    String repo;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
    boolean json;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log what happens (on stderr).")
    boolean verbose;
}
