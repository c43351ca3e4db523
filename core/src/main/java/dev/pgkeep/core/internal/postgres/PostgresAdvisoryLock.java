package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.BackupLock;
import dev.pgkeep.core.spi.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link BackupLock}: {@code pg_try_advisory_lock} held by a psql session on the database being backed
 * up. Core carries no JDBC driver, so the session is a psql process kept open on a pipe; if this JVM dies, psql sees
 * its stdin close, exits, and the server releases the lock.
 */
public final class PostgresAdvisoryLock implements BackupLock {
    /** Namespace of pgkeep's advisory locks (first half of the two-int key): "pgkp". */
    static final int NAMESPACE = 0x70676b70;

    private final PgTools tools;

    public PostgresAdvisoryLock(PgTools tools) {
        this.tools = tools;
    }

    @Override
    public Optional<Lease> tryAcquire(DatabaseConnection database) {
        List<String> cmd = List.of(tools.program("psql"), "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1");
        ProcessRunner.RunningProcess psql;
        try {
            psql = tools.runner().start(cmd, database.libpqEnvironment(), null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start psql to take the backup lock: " + e.getMessage(), e);
        }
        ProcessOutput.StreamCollector stderr =
                ProcessOutput.StreamCollector.start(psql.stderr(), 16 * 1024, "lock-stderr");
        try {
            OutputStream in = psql.stdin();
            int key = BackupLock.advisoryKey(database.database());
            in.write(("SELECT pg_try_advisory_lock(" + NAMESPACE + ", " + key + ");\n")
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(psql.stdout(), StandardCharsets.UTF_8));
            String answer = out.readLine();
            if ("t".equals(answer)) {
                return Optional.of(() -> release(psql));
            }
            release(psql);
            if ("f".equals(answer)) {
                return Optional.empty();
            }
            throw new PgkeepException("Cannot take the backup lock on " + database.describe() + ": "
                    + stderr.text().strip());
        } catch (IOException e) {
            release(psql);
            throw new PgkeepException(
                    "Cannot take the backup lock on " + database.describe() + ": "
                            + stderr.text().strip(),
                    e);
        }
    }

    private static void release(ProcessRunner.RunningProcess psql) {
        try {
            psql.stdin().close(); // psql ends its session: the server drops the lock
            if (!psql.waitFor(10, TimeUnit.SECONDS)) {
                psql.kill();
            }
        } catch (IOException e) {
            psql.kill();
        } catch (InterruptedException e) {
            psql.kill();
            Thread.currentThread().interrupt();
        }
    }
}
