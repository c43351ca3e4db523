package dev.pgkeep.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts the PostgreSQL tools. Always an argv list and an environment map, never a shell string, so nothing is
 * re-parsed and secrets travel in the environment only. Hosts may substitute their own (e.g. run the tools in a
 * container).
 */
public interface ProcessRunner {

    /**
     * Starts {@code command} with {@code environment} added to (and overriding) the current process environment.
     */
    RunningProcess start(List<String> command, Map<String, String> environment, @Nullable Path workingDirectory)
            throws IOException;

    /** The default: {@link ProcessBuilder}. */
    static ProcessRunner local() {
        return (command, environment, workingDirectory) -> {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            Process process = builder.start();
            return new RunningProcess() {
                @Override
                public OutputStream stdin() {
                    return process.getOutputStream();
                }

                @Override
                public InputStream stdout() {
                    return process.getInputStream();
                }

                @Override
                public InputStream stderr() {
                    return process.getErrorStream();
                }

                @Override
                public int waitFor() throws InterruptedException {
                    return process.waitFor();
                }

                @Override
                public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
                    return process.waitFor(timeout, unit);
                }

                @Override
                public void kill() {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }

                @Override
                public boolean isAlive() {
                    return process.isAlive();
                }
            };
        };
    }

    /** A started program. */
    interface RunningProcess {
        OutputStream stdin();

        InputStream stdout();

        InputStream stderr();

        /** Waits for the exit and returns its code. */
        int waitFor() throws InterruptedException;

        /** Waits at most {@code timeout}; true when the process has exited. */
        boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

        void kill();

        boolean isAlive();
    }
}
