package dev.pgkeep.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** How backup, restore and verify show their progress on stderr. */
final class ProgressOptions {
    static final double DEFAULT_SECONDS = 10;

    @Option(
            names = "--progress",
            arity = "0..1",
            paramLabel = "SECONDS",
            fallbackValue = "" + DEFAULT_SECONDS,
            description = "Show progress on stderr also when it is not a terminal: a line every SECONDS (default 10)"
                    + " and at the end of each phase. On a terminal progress shows anyway, on one line updated in"
                    + " place; never with --json or --quiet.")
    @Nullable
    Double seconds;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress and no messages on stderr; errors only.")
    boolean quiet;
}
