package dev.pgkeep.core;

import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.ToolFolders;
import dev.pgkeep.core.spi.ProcessRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL client tools pgkeep found, and which of them it uses for one server: those of the server's own
 * major version, else of the nearest newer one ({@code pgkeep doctor} prints this).
 *
 * @param installations every installation found, oldest major first
 * @param server the server asked about, e.g. {@code postgres@db:5432/shop}; {@code null} when none was given
 * @param serverVersion that server's version; {@code null} when none was given or it could not be reached
 * @param chosen the installation pgkeep uses for that server; {@code null} when none fits
 * @param problem why nothing fits or the server could not be asked; {@code null} when all is well
 */
public record PostgresTools(
        List<Installation> installations,
        @Nullable String server,
        @Nullable String serverVersion,
        @Nullable Installation chosen,
        @Nullable String problem) {

    /** The programs pgkeep runs. */
    public static final List<String> CLIENT_PROGRAMS = List.of("pg_dump", "pg_restore", "psql", "pg_dumpall");

    public PostgresTools {
        installations = List.copyOf(installations);
    }

    /**
     * Looks for the tools as a {@link BackupService} would ({@code folders} empty: {@code PGKEEP_PG_BIN}, else the
     * standard places) and asks {@code server}, when given, for its version.
     */
    public static PostgresTools discover(
            List<Path> folders, ProcessRunner runner, @Nullable DatabaseConnection server) {
        try {
            return PgTools.locate(folders, runner).report(server);
        } catch (PgkeepException e) {
            return new PostgresTools(List.of(), server == null ? null : server.describe(), null, null, e.getMessage());
        }
    }

    /** A {@code :}-separated list of tools folders (as in {@code PGKEEP_PG_BIN}) as paths; empty entries are skipped. */
    public static List<Path> splitPath(String folders) {
        return ToolFolders.split(folders);
    }

    /**
     * One folder of client programs of one major version.
     *
     * @param binDir the folder; {@code null} when the programs are found through {@code PATH}
     * @param version {@code pg_dump --version}'s number, e.g. {@code 17.12}
     * @param programs which of {@link #CLIENT_PROGRAMS} the folder holds
     */
    public record Installation(@Nullable Path binDir, String version, int major, Set<String> programs) {
        public Installation {
            programs = Set.copyOf(programs);
        }

        /** The path of a program in this installation (its bare name when found through PATH). */
        public String program(String name) {
            return binDir == null ? name : binDir.resolve(name).toString();
        }
    }
}
