package dev.pgkeep.it;

import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real pg_dump against the test server into a file (for archives pgkeep did not write). */
final class PostgresServerDumps {
    private PostgresServerDumps() {}

    static void pgDump(PostgresServer pg, String database, Path file, String... options)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(pg.binDir().resolve("pg_dump").toString(), "--file=" + file));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(pg.clientEnvironment(database));
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("pg_dump failed: " + output);
        }
    }
}
