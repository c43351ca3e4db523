package dev.pgkeep.cli;

import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code pgkeep} in its own JVM (so a test can kill it), with output in {@code dir}. */
final class CliProcess {
    private CliProcess() {}

    static Process backup(PostgresServer pg, String database, String repo, Path dir, Map<String, String> extraEnv)
            throws IOException {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.putIfAbsent("PGPASSWORD", pg.password());
        env.putIfAbsent("PGKEEP_PG_BIN", pg.binDir().toString());
        return start(
                dir, env, "backup", "--db", pg.urlWithoutPassword(database), "--repo", repo, "--compression", "none");
    }

    /** {@code pgkeep args...} with {@code env} added to this JVM's environment; stdout/stderr in out.txt/err.txt. */
    static Process start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PgkeepCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        return pb.start();
    }
}
