package dev.pgkeep.cli;

import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.PgkeepVersion;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgkeep}: back up, restore, list, verify, prune and delete PostgreSQL backups. */
@Command(
        name = "pgkeep",
        mixinStandardHelpOptions = true,
        versionProvider = PgkeepCommand.Version.class,
        description = "Backs up and restores PostgreSQL databases with pg_dump/pg_restore:"
                + " compressed, checksummed, optionally encrypted, to a local folder or S3.",
        subcommands = {
            BackupCommand.class,
            RestoreCommand.class,
            ListCommand.class,
            VerifyCommand.class,
            PruneCommand.class,
            DeleteCommand.class,
            CopyCommand.class,
            DoctorCommand.class,
            DemoCommand.class,
            CompletionCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 operation failed, 2 usage error, 3 refused by a safety guard,"
                    + " 4 integrity failure (checksum, OpenPGP integrity, unreadable archive).",
            "Environment: PGKEEP_DB, PGKEEP_REPO, PGKEEP_ENV=production, PGKEEP_PG_BIN, PGKEEP_SLACK_WEBHOOK,"
                    + " and libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, ~/.pgpass."
        })
public final class PgkeepCommand {
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the seam the tests use (no System.exit, injectable environment and streams). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CliEnvironment.configureLogging(args);
        return runConfigured(args, env, out, err);
    }

    /** {@link #run} with the logging as it is: the demo's steps keep the demo's (no audit warnings). */
    static int runConfigured(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CliEnvironment environment = new CliEnvironment(env, out, err);
        CommandLine cli = new CommandLine(new PgkeepCommand(), new CliFactory(environment));
        cli.setDefaultValueProvider(new EnvironmentDefaults(environment));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean json =
                    parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--json");
            if (commandLine.getCommand() instanceof CliCommand command) {
                command.endProgressLine();
            }
            int code = ExitCodes.of(e);
            String message = e instanceof PgkeepException pe ? CliHints.message(pe) : e.toString();
            if (json) {
                out.println(Output.json(Map.of("error", String.valueOf(message), "exitCode", code)));
            }
            err.println("pgkeep: " + message);
            if (!(e instanceof PgkeepException) && CliEnvironment.verbose(args)) {
                e.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        int code;
        try {
            code = cli.execute(args);
        } finally {
            environment.close();
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The version the build stamped into core, with its commit when built from git. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pgkeep " + PgkeepVersion.describe()};
        }
    }

    /** Lets every subcommand receive the shared {@link CliEnvironment}. */
    private record CliFactory(CliEnvironment environment) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (CliEnvironment.Aware.class.isAssignableFrom(cls)) {
                K instance = CommandLine.defaultFactory().create(cls);
                ((CliEnvironment.Aware) instance).environment(environment);
                return instance;
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
