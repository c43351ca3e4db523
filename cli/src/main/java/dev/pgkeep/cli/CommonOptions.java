package dev.pgkeep.cli;

import java.nio.file.Path;
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
            names = "--pg-bin",
            paramLabel = "DIR",
            description = "Folder holding pg_dump, pg_restore and psql (default: $PGKEEP_PG_BIN, the newest"
                    + " /usr/lib/postgresql/*/bin, then PATH).")
    @Nullable
    Path pgBin;

    @Option(
            names = "--slack-webhook",
            paramLabel = "URL",
            description = "Post failures to this Slack incoming webhook (default: $PGKEEP_SLACK_WEBHOOK).")
    @Nullable
    String slackWebhook;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log what happens (on stderr).")
    boolean verbose;
}
