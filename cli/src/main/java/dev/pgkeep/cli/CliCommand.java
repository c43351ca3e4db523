package dev.pgkeep.cli;

import dev.pgkeep.core.BackupServiceBuilder;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.ProgressListener;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.StorageAdapter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;

/** What every subcommand has: the shared options and the environment it runs in. */
abstract class CliCommand implements Callable<Integer>, CliEnvironment.Aware {
    @Mixin
    CommonOptions common = new CommonOptions();

    CliEnvironment env;

    private @Nullable ProgressDisplay display;

    @Override
    public void environment(CliEnvironment environment) {
        this.env = environment;
    }

    /** Says what is starting on stderr, only when a person watches a terminal and no JSON was asked for. */
    void progress(String message) {
        progress(message, null);
    }

    void progress(String message, @Nullable ProgressOptions options) {
        if (!common.json && (options == null || !options.quiet) && ProgressDisplay.stderrIsTerminal()) {
            env.err().println(message);
            env.err().flush();
        }
    }

    /**
     * Core's progress shown on stderr: in place on a terminal, periodic lines with {@code --progress}, nothing with
     * {@code --json} or {@code --quiet}.
     */
    ProgressListener progressListener(String operation, ProgressOptions options) {
        if (common.json || options.quiet) {
            return ProgressListener.NONE;
        }
        boolean terminal = ProgressDisplay.stderrIsTerminal();
        if (!terminal && options.seconds == null) {
            return ProgressListener.NONE;
        }
        double seconds = options.seconds == null ? ProgressOptions.DEFAULT_SECONDS : options.seconds;
        int width = terminal ? ProgressDisplay.terminalWidth(env.getenv("COLUMNS")) : Integer.MAX_VALUE;
        ProgressDisplay shown = new ProgressDisplay(
                operation, env.err(), terminal, Duration.ofMillis((long) (Math.max(0, seconds) * 1000)), width);
        display = shown;
        return shown;
    }

    /** Ends a progress line an error interrupted (called before the error is printed). */
    void endProgressLine() {
        ProgressDisplay shown = display;
        if (shown != null) {
            shown.endLine();
        }
    }

    /** A service builder for this command's repository and tools. */
    BackupServiceBuilder service(StorageAdapter storage, @Nullable DatabaseConnection database, Encryptor encryptor) {
        env.slackWebhook(common.slackWebhook);
        return env.service(storage, database, encryptor).toolsDirectories(toolsFolders());
    }

    /** {@code --pg-bin} (default {@code PGKEEP_PG_BIN}); empty for the standard places. */
    List<Path> toolsFolders() {
        String folders = common.pgBin;
        return folders == null || folders.isBlank() ? List.of() : PostgresTools.splitPath(folders);
    }
}
