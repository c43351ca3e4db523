package dev.pgkeep.core.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Runs a program to completion with a deadline; output goes to files so a chatty child can never block on a pipe. */
public final class ExternalCommand {

    /** What a finished program left. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private ExternalCommand() {}

    /**
     * Runs {@code command}; {@code environment} replaces the inherited one entirely, {@code stdin} (may be null) is
     * written to the program's standard input.
     */
    public static Result run(
            List<String> command,
            Map<String, String> environment,
            @Nullable Path workingDirectory,
            @Nullable String stdin,
            Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("pgkeep-cmd-", ".out");
            err = Files.createTempFile("pgkeep-cmd-", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().clear();
            builder.environment().putAll(environment);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the program exited before reading everything; its exit code and stderr tell why
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(
                        "'" + command.get(0) + "' did not finish within " + timeout + "; stderr so far: "
                                + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Could not run '" + command.get(0) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running '" + command.get(0) + "'", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left in /tmp is harmless
            }
        }
    }
}
