package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * pg_restore as the authority on an archive: the archive's bytes are written to {@code pg_restore --list} (which
 * reads the header and table of contents, then stops) or {@code pg_restore --file=/dev/null} (which reads every data
 * block too) as they pass, and its exit code says whether it could read them. Bytes offered after pg_restore stopped
 * reading are dropped; nothing here ever fails the stream that feeds it.
 */
public final class PgRestoreCheck implements AutoCloseable {
    /** Reads the table of contents only. */
    public static final List<String> LIST = List.of("--list");
    /** Reads the whole archive, every data block included, and writes the SQL nowhere. */
    public static final List<String> READ_ALL = List.of("--file=/dev/null");

    private final @Nullable RunningProcess process;
    private final @Nullable String startFailure;
    private final String command;
    private final AtomicInteger entries = new AtomicInteger();
    private ProcessOutput.@Nullable StreamCollector stderr;
    private @Nullable Thread stdoutReader;
    private boolean open;

    /** What pg_restore said. */
    public record Result(boolean ran, boolean ok, int entries, String message) {}

    private PgRestoreCheck(@Nullable RunningProcess process, @Nullable String startFailure, String command) {
        this.process = process;
        this.startFailure = startFailure;
        this.command = command;
        this.open = process != null;
    }

    /** Starts pg_restore of {@code tools} with {@code options}; a pg_restore that cannot start is reported by finish. */
    public static PgRestoreCheck start(PgTools tools, List<String> options) {
        return start(tools, options, null);
    }

    /** {@link #start(PgTools, List)}, handing every line pg_restore prints on stdout to {@code lines}. */
    public static PgRestoreCheck start(PgTools tools, List<String> options, @Nullable Consumer<String> lines) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tools.program("pg_restore"));
        cmd.addAll(options);
        String described = "pg_restore " + String.join(" ", options);
        RunningProcess process;
        try {
            process = tools.runner().start(cmd, Map.of(), null);
        } catch (IOException | RuntimeException e) {
            return new PgRestoreCheck(null, cmd.get(0) + ": " + e.getMessage(), described);
        }
        PgRestoreCheck check = new PgRestoreCheck(process, null, described);
        check.stderr = ProcessOutput.StreamCollector.start(process.stderr(), 16 * 1024, "pg_restore-check-err");
        Thread reader = new Thread(() -> countEntries(process, check.entries, lines), "pgkeep-pg_restore-check-out");
        reader.setDaemon(true);
        reader.start();
        check.stdoutReader = reader;
        return check;
    }

    /** {@code pg_restore --list} prints one line per entry, comments start with ';'. */
    private static void countEntries(RunningProcess process, AtomicInteger entries, @Nullable Consumer<String> lines) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8), 64 * 1024)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (lines != null) {
                    lines.accept(line);
                }
                if (!line.isBlank() && !line.startsWith(";")) {
                    entries.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // the process went away; its exit code tells why
        }
    }

    /** Whether pg_restore still reads its input ({@code --list} stops after the table of contents). */
    public boolean accepting() {
        return open;
    }

    /** Offers the next bytes of the archive. */
    public void write(byte[] data, int offset, int length) {
        RunningProcess p = process;
        if (!open || p == null) {
            return;
        }
        try {
            p.stdin().write(data, offset, length);
        } catch (IOException e) {
            open = false; // pg_restore stopped reading (--list does after the table of contents)
        }
    }

    /** Ends the input and waits for pg_restore's verdict. */
    public Result finish() throws InterruptedException {
        RunningProcess p = process;
        if (p == null) {
            return new Result(false, false, 0, "could not start " + startFailure);
        }
        OutputStream in = p.stdin();
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.kill();
            return new Result(true, false, 0, command + " did not finish within 10 minutes");
        }
        int exit = p.waitFor();
        Thread reader = stdoutReader;
        if (reader != null) {
            reader.join(10_000);
        }
        ProcessOutput.StreamCollector err = stderr;
        String said = err == null ? "" : ProcessOutput.tail(err.text());
        return new Result(true, exit == 0, entries.get(), exit == 0 ? "" : command + " said: " + said);
    }

    @Override
    public void close() {
        RunningProcess p = process;
        if (p != null && p.isAlive()) {
            p.kill();
        }
    }
}
