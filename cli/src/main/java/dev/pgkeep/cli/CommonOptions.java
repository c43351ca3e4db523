package dev.pgkeep.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class CommonOptions {
    @Option(
            names = "--repo",
            paramLabel = "URI",
            defaultValue = "${env:PGKEEP_REPO}",
            description = "Repository: a folder, file:///path or s3://bucket/prefix?endpoint=...&region=..."
                    + "&path-style=true (default: $PGKEEP_REPO).")
    @Nullable
    String repo;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
    boolean json;

    @Option(
            names = "--pg-bin",
            paramLabel = "DIRS",
            defaultValue = "${env:PGKEEP_PG_BIN}",
            description = "Folders holding pg_dump, pg_restore and psql, one per PostgreSQL major, separated by ':'"
                    + " (default: $PGKEEP_PG_BIN, else /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, Homebrew's"
                    + " postgresql@*, PATH). Each server gets the tools of its major, else the nearest newer.")
    @Nullable
    String pgBin;

    @Option(
            names = "--slack-webhook",
            paramLabel = "URL",
            defaultValue = "${env:PGKEEP_SLACK_WEBHOOK}",
            description = "Post failures to this Slack incoming webhook (default: $PGKEEP_SLACK_WEBHOOK).")
    @Nullable
    String slackWebhook;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log what happens (on stderr).")
    boolean verbose;
}
