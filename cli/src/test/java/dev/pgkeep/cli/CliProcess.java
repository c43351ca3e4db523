package dev.pgkeep.cli;

import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code pgkeep backup} in its own JVM (so a test can kill it), with output in {@code dir}. */
final class CliProcess {
    private CliProcess() {}

    static Process backup(PostgresServer pg, String database, String repo, Path dir, Map<String, String> extraEnv)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PgkeepCommand.class.getName(),
                "backup",
                "--db",
                pg.urlWithoutPassword(database),
                "--repo",
                repo,
                "--compression",
                "none"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PGPASSWORD", pg.password());
        pb.environment().put("PGKEEP_PG_BIN", pg.binDir().toString());
        pb.environment().putAll(extraEnv);
        pb.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        return pb.start();
    }
}
