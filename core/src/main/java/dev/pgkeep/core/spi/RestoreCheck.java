package dev.pgkeep.core.spi;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.DatabaseConnection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An application's own check of a restored backup, run by a restore-test verification (a drill) against the scratch
 * database the backup was restored into, before it is dropped: "every order has a customer", "the newest event is
 * less than a day older than the backup". Row counts prove the archive; checks prove the data is what the application
 * needs. A failing check fails the drill and marks the backup's verification failed.
 */
public interface RestoreCheck {

    /** A short name, recorded in the manifest's verification and shown in messages. */
    String name();

    /**
     * Checks the restored database.
     *
     * @return {@code null} when the check holds, otherwise what is wrong (one line)
     * @throws Exception a check that cannot run fails the drill too, with the exception's message
     */
    @Nullable
    String check(Restored restored) throws Exception;

    /** The restored scratch database: a JDBC-free description, and a way to ask it SQL through psql. */
    interface Restored {
        /** The scratch database (host, port, user, password, name), e.g. for a JDBC connection of your own. */
        DatabaseConnection database();

        /** The backup that was restored. */
        BackupManifest backup();

        /** Runs one SQL statement; its rows, each a list of the columns' text ({@code null} for SQL NULL). */
        List<List<@Nullable String>> query(String sql);
    }
}
