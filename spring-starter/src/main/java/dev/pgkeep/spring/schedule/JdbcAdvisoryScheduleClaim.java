package dev.pgkeep.spring.schedule;

import dev.pgkeep.core.spi.BackupLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ScheduleClaim} backed by a PostgreSQL session-level advisory lock taken through the host's
 * {@link DataSource}: every instance pointing at the same database competes for the same lock, and a crashed holder
 * loses it with its connection. The lock key lives in its own namespace, separate from the backup lock, so holding
 * a claim never blocks the backup it guards.
 */
public final class JdbcAdvisoryScheduleClaim implements ScheduleClaim, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JdbcAdvisoryScheduleClaim.class);
    /** Namespace of schedule claims (first half of the two-int advisory key): "pgks". */
    static final int NAMESPACE = 0x70676b73;

    private final DataSource dataSource;
    private final Clock clock;
    private final ScheduledExecutorService releases = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgkeep-claim-release");
        t.setDaemon(true);
        return t;
    });

    public JdbcAdvisoryScheduleClaim(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public Optional<Held> tryClaim(String database) {
        int key = key(database);
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot claim the pgkeep schedule tick: no connection from the" + " application's DataSource ("
                            + e.getMessage() + ")",
                    e);
        }
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            st.setInt(1, NAMESPACE);
            st.setInt(2, key);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    close(connection);
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            close(connection);
            throw new IllegalStateException("Cannot claim the pgkeep schedule tick: " + e.getMessage(), e);
        }
        return Optional.of(holdUntil -> {
            long delay = Duration.between(clock.instant(), holdUntil).toMillis();
            if (delay <= 0) {
                unlock(connection, key);
            } else {
                releases.schedule(() -> unlock(connection, key), delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    private static void unlock(Connection connection, int key) {
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            st.setInt(1, NAMESPACE);
            st.setInt(2, key);
            st.execute();
        } catch (SQLException e) {
            log.warn("pgkeep could not release its schedule claim; it ends with the connection: {}", e.getMessage());
        } finally {
            close(connection);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the schedule-claim connection failed", e);
        }
    }

    /** The same key function as the backup lock ({@link BackupLock#advisoryKey}), in the claims' own namespace. */
    static int key(String database) {
        return BackupLock.advisoryKey(database);
    }

    /** Releases pending claims at once: the instance is going away. */
    @Override
    public void close() {
        releases.shutdownNow().forEach(Runnable::run);
    }
}
