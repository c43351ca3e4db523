package dev.pgkeep.core.internal.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** What the PostgreSQL programs print: drained on threads of their own, kept to a bounded tail for messages. */
public final class ProcessOutput {
    private ProcessOutput() {}

    /** The last lines of a tool's stderr, enough to say what went wrong without flooding a message. */
    public static String tail(String text) {
        String trimmed = text.strip();
        String[] lines = trimmed.split("\n");
        int from = Math.max(0, lines.length - 10);
        String joined = String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        if (joined.length() > 2000) {
            joined = "..." + joined.substring(joined.length() - 2000);
        }
        return joined.isEmpty() ? "(no message)" : joined;
    }

    /** Drains a stream on its own thread, keeping at most {@code limit} bytes (the tail). */
    public static final class StreamCollector {
        private final Thread thread;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final int limit;
        private boolean truncated;

        private StreamCollector(InputStream in, int limit, String name) {
            this.limit = limit;
            this.thread = new Thread(() -> drain(in), "pgkeep-" + name);
            this.thread.setDaemon(true);
        }

        public static StreamCollector start(InputStream in, int limit, String name) {
            StreamCollector c = new StreamCollector(in, limit, name);
            c.thread.start();
            return c;
        }

        private void drain(InputStream in) {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                        if (buffer.size() > limit * 2L && limit < Integer.MAX_VALUE / 2) {
                            byte[] all = buffer.toByteArray();
                            buffer.reset();
                            buffer.write(all, all.length - limit, limit);
                            truncated = true;
                        }
                    }
                }
            } catch (IOException e) {
                // the process went away; what was read is what there is
            }
        }

        /** What has been read so far (or its tail), without waiting for the stream to end. */
        public String soFar() {
            synchronized (buffer) {
                String s = buffer.toString(StandardCharsets.UTF_8);
                return s.length() > limit ? s.substring(s.length() - limit) : s;
            }
        }

        /** Everything read (or its tail), after the stream ended. */
        public String text() {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buffer) {
                String s = buffer.toString(StandardCharsets.UTF_8);
                if (s.length() > limit) {
                    s = s.substring(s.length() - limit);
                }
                return truncated ? "..." + s : s;
            }
        }
    }
}
