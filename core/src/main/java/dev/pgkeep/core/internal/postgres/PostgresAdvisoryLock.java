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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link BackupLock}: {@code pg_try_advisory_lock} held by a psql session. Core carries no JDBC driver, so
 * the session is a psql process kept open on a pipe; if this JVM dies, psql sees its stdin close, exits, and the
 * server releases the lock.
 *
 * <p>Backup locks are taken on the database being backed up, restore locks on the server's maintenance database
 * (the target may not exist yet), each in a key space of its own. A session can end under a held lock
 * ({@code pg_terminate_backend}, {@code idle_session_timeout}, a restart, a pooler in transaction mode), so the
 * session asks the server every {@code heartbeat} whether it still holds the lock (which also keeps it from being
 * idle), and {@link Lease#ensureHeld()} asks once more and fails once the answer was ever no.
 */
public final class PostgresAdvisoryLock implements BackupLock {
    private static final Logger log = LoggerFactory.getLogger(PostgresAdvisoryLock.class);

    /** Key space of backup locks (first half of the two-int key): "pgkp". */
    static final int NAMESPACE = 0x70676b70;

    /** Key space of restore locks: "pgkr". */
    static final int RESTORE_NAMESPACE = 0x70676b72;

    /** How often a held lock's session proves it still holds the lock. */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    private final PgTools tools;
    private final Duration heartbeat;

    public PostgresAdvisoryLock(PgTools tools) {
        this(tools, DEFAULT_HEARTBEAT);
    }

    public PostgresAdvisoryLock(PgTools tools, Duration heartbeat) {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive");
        }
        this.tools = tools;
        this.heartbeat = heartbeat;
    }

    @Override
    public Optional<Lease> tryAcquire(DatabaseConnection database) {
        return acquire(
                database, NAMESPACE, "backup lock of database '" + database.database() + "'", database.database());
    }

    @Override
    public Optional<Lease> tryAcquireRestore(DatabaseConnection target) {
        return acquire(
                TargetDatabases.maintenance(target),
                RESTORE_NAMESPACE,
                "restore lock of database '" + target.database() + "'",
                target.database());
    }

    private Optional<Lease> acquire(DatabaseConnection session, int namespace, String what, String keyedBy) {
        List<String> cmd = List.of(tools.program("psql"), "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1");
        ProcessRunner.RunningProcess psql;
        try {
            psql = tools.runner().start(cmd, session.libpqEnvironment(), null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start psql to take the " + what + ": " + e.getMessage(), e);
        }
        Session lease = new Session(psql, namespace, BackupLock.advisoryKey(keyedBy), what);
        String answer;
        try {
            answer = lease.ask("SELECT pg_try_advisory_lock(" + namespace + ", " + lease.key + ");");
        } catch (IOException e) {
            answer = null;
        }
        if ("t".equals(answer)) {
            lease.startHeartbeat(heartbeat);
            return Optional.of(lease);
        }
        lease.close();
        if ("f".equals(answer)) {
            return Optional.empty();
        }
        throw new PgkeepException("Cannot take the " + what + " on " + session.describe() + ": "
                + lease.stderr.text().strip());
    }

    /** One psql session holding one lock. */
    private static final class Session implements Lease {
        private final ProcessRunner.RunningProcess psql;
        private final int namespace;
        private final int key;
        private final String what;
        private final BufferedReader out;
        private final ProcessOutput.StreamCollector stderr;
        private @Nullable Thread heartbeat;
        private @Nullable String lost;
        private boolean closed;

        Session(ProcessRunner.RunningProcess psql, int namespace, int key, String what) {
            this.psql = psql;
            this.namespace = namespace;
            this.key = key;
            this.what = what;
            this.out = new BufferedReader(new InputStreamReader(psql.stdout(), StandardCharsets.UTF_8));
            this.stderr = ProcessOutput.StreamCollector.start(psql.stderr(), 16 * 1024, "lock-stderr");
        }

        /** Sends one statement and returns the one line it prints; null when the session is gone. */
        synchronized @Nullable String ask(String sql) throws IOException {
            OutputStream in = psql.stdin();
            in.write((sql + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return out.readLine();
        }

        void startHeartbeat(Duration interval) {
            Thread thread = new Thread(() -> beat(interval.toMillis()), "pgkeep-lock-heartbeat");
            thread.setDaemon(true);
            heartbeat = thread;
            thread.start();
        }

        private synchronized void beat(long intervalMillis) {
            try {
                while (!closed && lost == null) {
                    wait(intervalMillis); // close() wakes it early
                    probe();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Asks the server whether this very session still holds the lock; remembers the first no. */
        private synchronized void probe() {
            if (closed || lost != null) {
                return;
            }
            String answer;
            try {
                answer = ask("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        + " AND pid = pg_backend_pid() AND classid = " + namespace + " AND objid = (" + key
                        + ")::oid AND objsubid = 2;");
            } catch (IOException e) {
                answer = null;
            }
            if ("1".equals(answer)) {
                return;
            }
            String why;
            if (answer == null) {
                awaitExit();
                String said = stderr.text().strip();
                why = "its session ended" + (said.isEmpty() ? "" : ": " + ProcessOutput.tail(said));
            } else {
                why = "its session is open but no longer holds it, as behind a connection pooler in transaction"
                        + " mode";
            }
            lost = "The " + what + " was lost (" + why + "). Another process may have taken it since, so the work"
                    + " it guarded cannot be trusted and is not recorded; run it again. A lock is lost when its"
                    + " session ends (pg_terminate_backend, idle_session_timeout, a server restart) or when a"
                    + " connection pooler in transaction mode sits between pgkeep and the server: connect pgkeep"
                    + " to PostgreSQL directly.";
            log.error(lost);
        }

        private void awaitExit() {
            try {
                psql.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized void ensureHeld() {
            probe();
            if (lost != null) {
                throw new PgkeepException(lost);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                notifyAll();
            }
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
}
