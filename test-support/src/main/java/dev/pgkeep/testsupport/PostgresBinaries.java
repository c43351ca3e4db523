package dev.pgkeep.testsupport;

import dev.pgkeep.core.cluster.LocalCluster;
import java.nio.file.Path;

/**
 * Finds the folder holding the PostgreSQL programs: the first folder of {@code PGKEEP_PG_BIN} that has it, the newest
 * Debian install, or PATH.
 */
final class PostgresBinaries {
    private PostgresBinaries() {}

    /** The folder holding {@code program} (e.g. {@code initdb} or {@code psql}), with a message saying how to fix. */
    static Path locate(String program) {
        return LocalCluster.locate(program, System.getenv("PGKEEP_PG_BIN"));
    }
}
