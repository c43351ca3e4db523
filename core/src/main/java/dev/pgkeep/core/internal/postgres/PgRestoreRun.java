package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.Environmental;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pg_restore into a database. Normally pg_restore connects itself. When only tools newer than the target server
 * are installed, pg_restore's preamble sets parameters the server does not have (pg_restore 17 and newer send
 * {@code SET transaction_timeout = 0}, which PostgreSQL 16 and older reject); pg_restore then writes the SQL script
 * instead, the preamble loses exactly those lines, and psql of the same tools runs the rest, stopping at the first
 * error. The archive's statements themselves were written by pg_dump for the source server, so they need no change.
 */
public final class PgRestoreRun {
    private static final Logger log = LoggerFactory.getLogger(PgRestoreRun.class);
    private static final int BUFFER = 256 * 1024;
    /** Parameters pg_restore's preamble sets, with the server major that introduced each. */
    static final Map<String, Integer> PREAMBLE_SETTINGS_SINCE = Map.of("transaction_timeout", 17);

    private PgRestoreRun() {}

    /** Restores {@code file} (or the archive read from {@code stdin}) into {@code target}; fails with the tools' message. */
    public static void run(
            RestoreTarget target, List<String> options, @Nullable Path file, @Nullable InputStream stdin, String name) {
        List<String> unknownToServer = settingsUnknownTo(
                target.serverMajor(), target.tools().installation().major());
        if (unknownToServer.isEmpty()) {
            direct(target, options, file, stdin, name);
        } else {
            throughPsql(target, options, file, stdin, name, unknownToServer);
        }
    }

    /** The preamble settings a pg_restore of {@code toolMajor} sends that a server of {@code serverMajor} lacks. */
    static List<String> settingsUnknownTo(int serverMajor, int toolMajor) {
        List<String> unknown = new ArrayList<>();
        PREAMBLE_SETTINGS_SINCE.forEach((setting, since) -> {
            if (toolMajor >= since && serverMajor < since) {
                unknown.add(setting);
            }
        });
        return unknown;
    }

    private static void direct(
            RestoreTarget target, List<String> options, @Nullable Path file, @Nullable InputStream stdin, String name) {
        PgTools tools = target.tools();
        List<String> command = new ArrayList<>(List.of(
                tools.program("pg_restore"),
                "--exit-on-error",
                "--no-password",
                "--dbname=" + conninfoDbname(target.database().database())));
        command.addAll(options);
        if (file != null) {
            command.add(file.toString());
        }
        RunningProcess process = start(tools, command, target.database().libpqEnvironment(), "pg_restore");
        ProcessOutput.StreamCollector stderr =
                ProcessOutput.StreamCollector.start(process.stderr(), 16 * 1024, "pg_restore-err");
        ProcessOutput.StreamCollector.start(process.stdout(), 16 * 1024, "pg_restore-out");
        AtomicReference<@Nullable IOException> feedFailure = new AtomicReference<>();
        Thread feeder = stdin == null ? null : startFeeder(stdin, process, feedFailure);
        if (stdin == null) {
            closeQuietly(process.stdin());
        }
        int exit = await(process, feeder, target, name);
        throwDecodeFailure(feedFailure, target, name);
        if (exit != 0) {
            throw new PgkeepException(
                    "pg_restore of " + name + " into " + target.database().describe() + " failed (exit code " + exit
                            + "): " + ProcessOutput.tail(stderr.text()));
        }
    }

    private static void throughPsql(
            RestoreTarget target,
            List<String> options,
            @Nullable Path file,
            @Nullable InputStream stdin,
            String name,
            List<String> dropped) {
        PgTools tools = target.tools();
        log.info(
                "Restoring {} into PostgreSQL {} with the tools of PostgreSQL {} (none older installed): through psql,"
                        + " without the setting(s) {} that server lacks",
                name,
                target.serverMajor(),
                tools.installation().major(),
                dropped);
        List<String> restoreCommand = new ArrayList<>(List.of(tools.program("pg_restore"), "--file=-"));
        for (String option : options) {
            if (option.startsWith("--jobs")) {
                log.warn("Restoring {} without {}: the script psql runs is one stream", name, option);
            } else {
                restoreCommand.add(option);
            }
        }
        if (file != null) {
            restoreCommand.add(file.toString());
        }
        List<String> psqlCommand = List.of(
                tools.program("psql"),
                "-X",
                "-q",
                "-w",
                "-v",
                "ON_ERROR_STOP=1",
                "--dbname=" + conninfoDbname(target.database().database()));
        RunningProcess psql = start(tools, psqlCommand, target.database().libpqEnvironment(), "psql");
        RunningProcess restore;
        try {
            restore = start(tools, restoreCommand, Map.of(), "pg_restore");
        } catch (RuntimeException e) {
            psql.kill();
            throw e;
        }
        ProcessOutput.StreamCollector psqlErr =
                ProcessOutput.StreamCollector.start(psql.stderr(), 16 * 1024, "psql-err");
        ProcessOutput.StreamCollector.start(psql.stdout(), 16 * 1024, "psql-out");
        ProcessOutput.StreamCollector restoreErr =
                ProcessOutput.StreamCollector.start(restore.stderr(), 16 * 1024, "pg_restore-err");
        AtomicReference<@Nullable IOException> feedFailure = new AtomicReference<>();
        Thread feeder = stdin == null ? null : startFeeder(stdin, restore, feedFailure);
        if (stdin == null) {
            closeQuietly(restore.stdin());
        }
        Thread filter = new Thread(
                () -> {
                    try (InputStream script = restore.stdout();
                            OutputStream sql = psql.stdin()) {
                        copyWithoutSettings(script, sql, dropped);
                    } catch (IOException e) {
                        restore.kill(); // psql stopped reading: its exit code says why
                    }
                },
                "pgkeep-restore-script");
        filter.setDaemon(true);
        filter.start();
        int restoreExit = await(restore, feeder, target, name);
        int psqlExit = await(psql, filter, target, name);
        throwDecodeFailure(feedFailure, target, name);
        if (psqlExit != 0) {
            throw new PgkeepException(
                    "Restore of " + name + " into " + target.database().describe() + " failed (psql exit code "
                            + psqlExit + "): " + ProcessOutput.tail(psqlErr.text()));
        }
        if (restoreExit != 0) {
            throw new PgkeepException(
                    "pg_restore of " + name + " for " + target.database().describe() + " failed (exit code "
                            + restoreExit + "): " + ProcessOutput.tail(restoreErr.text()));
        }
    }

    /**
     * Copies pg_restore's script, leaving out the preamble's {@code SET <setting> = ...;} lines for {@code settings}.
     * The preamble is every line before the first that is not blank, a comment, a meta-command, a SET or a
     * set_config call; nothing after it is looked at, so no statement or data can be changed.
     */
    static void copyWithoutSettings(InputStream script, OutputStream sql, List<String> settings) throws IOException {
        BufferedInputStream in = new BufferedInputStream(script, BUFFER);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            line.reset();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n' || line.size() > 64 * 1024) {
                    break;
                }
            }
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (!inPreamble(text)) {
                line.writeTo(sql);
                break;
            }
            if (!setsOneOf(text, settings)) {
                line.writeTo(sql);
            }
        }
        in.transferTo(sql);
    }

    private static boolean inPreamble(String line) {
        String t = line.strip();
        return t.isEmpty()
                || t.startsWith("--")
                || t.startsWith("\\restrict")
                || (t.startsWith("SET ") && t.endsWith(";"))
                || (t.startsWith("SELECT pg_catalog.set_config(") && t.endsWith(";"));
    }

    private static boolean setsOneOf(String line, List<String> settings) {
        String t = line.strip();
        for (String setting : settings) {
            if (t.startsWith("SET " + setting + " = ") || t.startsWith("SET " + setting + " TO ")) {
                return true;
            }
        }
        return false;
    }

    private static RunningProcess start(PgTools tools, List<String> command, Map<String, String> env, String what) {
        try {
            return tools.runner().start(command, env, null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    private static Thread startFeeder(
            InputStream in, RunningProcess process, AtomicReference<@Nullable IOException> failure) {
        Thread feeder = new Thread(() -> feed(in, process, failure), "pgkeep-restore-feed");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    /** Copies the decoded archive into pg_restore; a decoding failure kills pg_restore at once. */
    private static void feed(InputStream in, RunningProcess process, AtomicReference<@Nullable IOException> failure) {
        byte[] buffer = new byte[BUFFER];
        OutputStream out = process.stdin();
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    return; // pg_restore stopped reading; its exit code tells why
                }
            }
        } catch (IOException e) {
            failure.set(e);
            process.kill();
        } finally {
            closeQuietly(out);
        }
    }

    private static int await(RunningProcess process, @Nullable Thread helper, RestoreTarget target, String name) {
        try {
            int exit = process.waitFor();
            if (helper != null) {
                helper.join();
            }
            return exit;
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new PgkeepException(
                    "Restore of " + name + " into " + target.database().database() + " was interrupted.", e);
        }
    }

    private static void throwDecodeFailure(
            AtomicReference<@Nullable IOException> feedFailure, RestoreTarget target, String name) {
        IOException decodeFailure = feedFailure.get();
        if (decodeFailure != null && Environmental.is(decodeFailure)) {
            throw Environmental.failure(
                    "Restore of " + name + " into " + target.database().database() + " stopped: reading the archive"
                            + " failed",
                    decodeFailure);
        }
        if (decodeFailure != null) {
            throw new IntegrityException(
                    "Restore of " + name + " into " + target.database().database() + " stopped: the"
                            + " archive could not be decoded (" + decodeFailure.getMessage() + ").",
                    decodeFailure);
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the process is gone already
        }
    }

    /** {@code dbname='...'} for --dbname, so a name containing '=' is not taken as a conninfo. */
    private static String conninfoDbname(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
