package dev.pgkeep.cli;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PostgresTools;
import dev.pgkeep.core.spi.ProcessRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgkeep doctor}: which PostgreSQL tools pgkeep finds, and which it would use for a server. */
@Command(
        name = "doctor",
        description = "Show the PostgreSQL client tools found (per major) and, with --db or $PGKEEP_DB, the"
                + " server's version and the tools pgkeep uses for it. Exit code 1 when nothing fits.",
        mixinStandardHelpOptions = true)
final class DoctorCommand extends CliCommand {
    @Option(
            names = "--db",
            paramLabel = "URL",
            defaultValue = "${env:PGKEEP_DB}",
            description = "The server to check (default: $PGKEEP_DB; none: list the tools only).")
    @Nullable
    String db;

    @Override
    public Integer call() {
        DatabaseConnection server = db == null || db.isBlank() ? null : env.database(db);
        PostgresTools report = PostgresTools.discover(toolsFolders(), ProcessRunner.local(), server);
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("tools", report);
            env.out().println(Output.json(json));
        } else {
            print(report);
        }
        return report.problem() == null ? 0 : 1;
    }

    private void print(PostgresTools report) {
        env.out().println("PostgreSQL client tools found:");
        if (report.installations().isEmpty()) {
            env.out().println("  none");
        }
        for (PostgresTools.Installation i : report.installations()) {
            List<String> programs = new ArrayList<>();
            for (String p : PostgresTools.CLIENT_PROGRAMS) {
                programs.add(i.programs().contains(p) ? p : p + " (missing)");
            }
            env.out()
                    .printf(
                            "  %-8s %-40s %s%n",
                            i.version(), i.binDir() == null ? "(PATH)" : i.binDir(), String.join(" ", programs));
        }
        if (report.server() != null) {
            env.out()
                    .printf(
                            "Server %s: %s%n",
                            report.server(),
                            report.serverVersion() == null ? "not reachable" : "PostgreSQL " + report.serverVersion());
            PostgresTools.Installation chosen = report.chosen();
            if (chosen != null) {
                env.out()
                        .printf(
                                "  uses the tools of PostgreSQL %s (%s)%n",
                                chosen.version(), chosen.binDir() == null ? "PATH" : chosen.binDir());
            }
        }
        if (report.problem() != null) {
            env.out().println("Problem: " + report.problem());
        }
    }
}
