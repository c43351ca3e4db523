package dev.pgkeep.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A psql session that stays open after running some SQL, holding what that SQL took (a transaction's table lock, an
 * advisory lock), as another application's session would; {@link #close()} ends it. {@link PostgresServer#hold}
 * returns once the SQL has run, so tests need no sleep to know the lock is held.
 */
public final class HeldSession implements AutoCloseable {
    private static final String MARKER = "pgkeep-session-ready";

    private final Process psql;

    private HeldSession(Process psql) {
        this.psql = psql;
    }

    static HeldSession start(PostgresServer pg, String database, String sql) {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        pg.binDir().resolve("psql").toString(), "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1"))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(pg.clientEnvironment(database));
        try {
            Process psql = builder.start();
            HeldSession session = new HeldSession(psql);
            OutputStream in = psql.getOutputStream();
            in.write((sql + "\nSELECT '" + MARKER + "';\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals(MARKER)) {
                    return session;
                }
                said.append(line).append('\n');
            }
            session.close();
            throw new IllegalStateException("psql on '" + database + "' ended before holding: "
                    + said.toString().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the session (closing psql's input); the server releases whatever it held. */
    @Override
    public void close() {
        try {
            psql.getOutputStream().close();
            if (!psql.waitFor(30, TimeUnit.SECONDS)) {
                psql.destroyForcibly();
            }
        } catch (IOException e) {
            psql.destroyForcibly();
        } catch (InterruptedException e) {
            psql.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
