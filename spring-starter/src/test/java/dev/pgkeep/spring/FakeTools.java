package dev.pgkeep.spring;

import dev.pgkeep.core.spi.ProcessRunner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL tools for tests of the starter's wiring: answers what the start-up check asks ({@code pg_dump
 * --version}, {@code SHOW server_version}) as PostgreSQL {@code version} would, and records every command; anything
 * else fails to start. With it as the host's {@link ProcessRunner} bean no program runs and no server is asked.
 */
public final class FakeTools implements ProcessRunner {
    private final String version;
    public final List<List<String>> commands = new CopyOnWriteArrayList<>();

    public FakeTools(String version) {
        this.version = version;
    }

    @Override
    public RunningProcess start(List<String> command, Map<String, String> environment, @Nullable Path workingDirectory)
            throws IOException {
        commands.add(List.copyOf(command));
        String program = Path.of(command.get(0)).getFileName().toString();
        if (command.contains("--version")) {
            return answered(program + " (PostgreSQL) " + version + "\n");
        }
        if (program.equals("psql") && command.contains("SHOW server_version")) {
            return answered(version + "\n");
        }
        throw new IOException("FakeTools runs nothing but version checks: " + String.join(" ", command));
    }

    private static RunningProcess answered(String stdout) {
        return new RunningProcess() {
            private final InputStream out = new ByteArrayInputStream(stdout.getBytes(StandardCharsets.UTF_8));

            @Override
            public OutputStream stdin() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public InputStream stdout() {
                return out;
            }

            @Override
            public InputStream stderr() {
                return InputStream.nullInputStream();
            }

            @Override
            public int waitFor() {
                return 0;
            }

            @Override
            public boolean waitFor(long timeout, TimeUnit unit) {
                return true;
            }

            @Override
            public void kill() {}

            @Override
            public boolean isAlive() {
                return false;
            }
        };
    }
}
