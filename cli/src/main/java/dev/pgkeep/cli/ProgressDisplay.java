package dev.pgkeep.cli;

import dev.pgkeep.core.Progress;
import dev.pgkeep.core.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Shows core's {@link Progress} on stderr: on a terminal one line rewritten in place ({@code \r}, padded over the
 * previous one), else, with {@code --progress}, a plain line every interval and at each phase's end. Hand-written:
 * one line of text needs no library, and picocli has no progress bar.
 */
final class ProgressDisplay implements ProgressListener {
    private final String operation;
    private final PrintWriter err;
    private final boolean terminal;
    private final long intervalNanos;
    private final int width;
    private int previousLength;
    private long lastLineNanos;
    private String lastPhase = "";

    ProgressDisplay(String operation, PrintWriter err, boolean terminal, Duration interval, int width) {
        this.operation = operation;
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = interval.toNanos();
        this.width = width;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        if (terminal) {
            String line = line(operation, p);
            if (line.length() > width - 1) {
                line = line.substring(0, width - 1);
            }
            int pad = Math.max(0, previousLength - line.length());
            err.print("\r" + line + " ".repeat(pad));
            previousLength = line.length();
            if (p.phaseDone()) {
                err.print("\n");
                previousLength = 0;
            }
            err.flush();
            return;
        }
        long now = System.nanoTime();
        if (p.phaseDone() || !p.phase().equals(lastPhase) || now - lastLineNanos >= intervalNanos) {
            lastLineNanos = now;
            lastPhase = p.phase();
            err.println("pgkeep: " + line(operation, p));
            err.flush();
        }
    }

    /** Ends a line left open by a phase that did not finish (the operation failed), so the error starts clean. */
    synchronized void endLine() {
        if (terminal && previousLength > 0) {
            err.print("\n");
            err.flush();
            previousLength = 0;
        }
    }

    /**
     * The terminal's width: {@code COLUMNS} when exported, else what {@code stty size} says about the controlling
     * terminal, else 80.
     */
    static int terminalWidth(@Nullable String columns) {
        if (columns != null && columns.matches("\\d{2,4}")) {
            return Integer.parseInt(columns);
        }
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (stty.waitFor(2, java.util.concurrent.TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] rowsColumns = size.strip().split("\\s+");
                if (rowsColumns.length == 2 && rowsColumns[1].matches("\\d{2,4}")) {
                    return Integer.parseInt(rowsColumns[1]);
                }
            }
        } catch (IOException e) {
            // no stty or no controlling terminal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    /** {@code backup dumping: 120.0 MiB from pg_dump, 30.1 MiB stored, 40.0 MiB/s, 3 s, ~25% (ETA ~9 s), ...}. */
    static String line(String operation, Progress p) {
        List<String> parts = new ArrayList<>();
        String[] labels = labels(p.phase());
        parts.add(Output.bytes(p.bytesRead()) + " " + labels[0]);
        if (labels[1] != null && p.bytesWritten() > 0) {
            parts.add(Output.bytes(p.bytesWritten()) + " " + labels[1]);
        }
        if (!p.phaseDone()) {
            parts.add(Output.bytes((long) p.bytesPerSecond()) + "/s");
        }
        parts.add((p.phaseDone() ? "done in " : "") + duration(p.elapsed()));
        String approx = p.estimate() ? "~" : "";
        if (p.fraction().isPresent() && !p.phaseDone()) {
            String percent = approx + Math.round(p.fraction().getAsDouble() * 100) + "%"
                    + (p.estimate() ? " of the database size" : "");
            Duration remaining = p.remaining();
            parts.add(remaining == null ? percent : percent + " (ETA " + approx + duration(remaining) + ")");
        }
        if (p.table() != null && !p.phaseDone()) {
            parts.add("table " + p.table());
        }
        return operation + " " + p.phase() + ": " + String.join(", ", parts);
    }

    private static String[] labels(String phase) {
        return switch (phase) {
            case Progress.DUMPING -> new String[] {"from pg_dump", "stored"};
            case Progress.CHECKSUM -> new String[] {"checksummed", null};
            case Progress.DECODING -> new String[] {"read", "decoded"};
            case Progress.RESTORING -> new String[] {"read", "to pg_restore"};
            case Progress.COPYING -> new String[] {"copied", null};
            default -> new String[] {"read", null};
        };
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() < 10_000 ? String.format("%.1f s", d.toMillis() / 1000.0) : s + " s";
        }
        return s < 3600
                ? String.format("%d:%02d", s / 60, s % 60)
                : String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Whether stderr is a terminal: where fd 2 points on Linux, else whether the JVM has a console. */
    static boolean stderrIsTerminal() {
        try {
            Path fd = Path.of("/proc/self/fd/2");
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux: the console test below
        }
        return System.console() != null;
    }
}
