import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

/**
 * The benchmark's statistics and Markdown report. bench/run.sh measures and writes the raw results, one line each,
 * tab-separated:
 *
 * <pre>
 * info  KEY  VALUE                                                  a fact for the header (date, command, machine...)
 * run   REP  NAME  ok|failed  SECONDS  PEAK_RSS_KIB  USER_S  SYS_S  BYTES   one measurement; BYTES: the output's size
 * </pre>
 *
 * then runs {@code java bench/BenchReport.java RESULTS.tsv}, which prints the report named by {@code info report}:
 * {@code benchmark} (bench/run.sh) or {@code scaling} (bench/run.sh --scaling). Rows are listed in the order of their
 * first measurement (the first repetition runs in the table's order). A number that cannot be computed is left empty.
 * A row named {@code GROUP: COMMAND} (e.g. {@code catalog: pgkeep backup}) is measured on another database than the
 * table's dataset and compared with its own group's floor, {@code pg_dump -Fc} and {@code pg_restore -d} rows.
 */
public final class BenchReport {
    private static final String TIMES = "\u00d7"; // ×
    private static final String DASH = "\u2013"; // –
    private static final String FLOOR = "pg_dump -Fc -Z0 > /dev/null (floor)";
    private static final String PG_DUMP = "pg_dump -Fc -f FILE";
    private static final String PG_RESTORE = "pg_restore -d (from pg_dump -Fc file)";
    private static final String PGKEEP_RESTORE = "pgkeep restore";

    record Run(int rep, String name, boolean ok, double secs, double rssKib, double cpu, double bytes) {}

    private final Map<String, String> info = new LinkedHashMap<>();
    private final List<Run> runs = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        BenchReport report = new BenchReport(Files.readAllLines(Path.of(args[0])));
        List<String> lines = report.info.get("report").equals("scaling") ? report.scaling() : report.benchmark();
        System.out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.flush();
    }

    BenchReport(List<String> lines) {
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("info")) {
                info.put(f[1], f[2]);
            } else if (f[0].equals("run")) {
                double bytes = f[8].isEmpty() ? Double.NaN : Double.parseDouble(f[8]);
                double cpu = Double.parseDouble(f[6]) + Double.parseDouble(f[7]);
                runs.add(new Run(
                        Integer.parseInt(f[1]),
                        f[2],
                        f[3].equals("ok"),
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]),
                        cpu,
                        bytes));
            }
        }
    }

    List<String> benchmark() {
        List<String> out = new ArrayList<>();
        out.add("### pgkeep benchmark, " + info.get("date"));
        out.add("");
        out.add("- Command: `" + info.get("command") + "`");
        String description = info.containsKey("description")
                ? info.get("description") // since the datasets were more than one
                : info.get("rows") + ", jsonb, numeric, uuid, timestamptz, 3 schemas, 6 indexes, a foreign key";
        out.add("- Dataset" + (info.containsKey("dataset_name") ? " " + info.get("dataset_name") : "") + ": "
                + fmt(Double.parseDouble(info.get("dataset")) / 1e9, 2) + " GB on disk (" + description + ")");
        if (info.containsKey("catalog")) {
            out.add("- Catalog rows (`catalog: ...`): a database of " + info.get("catalog"));
        }
        out.addAll(environment());
        out.add("- Load average (1/5/15 min) at start: " + info.get("load_start") + ", at end: "
                + info.get("load_end"));
        out.add("- Times: median of " + info.get("reps") + " alternating repetitions, each starting one command later"
                + " in the table's order (range in brackets); ratios: median over repetitions of the ratio within a"
                + " repetition (robust to load that drifts between repetitions); size: the output on disk; peak RSS:"
                + " the largest process of the command (the JVM for pgkeep); client CPU: user+sys of the command's"
                + " processes (pg_dump, zstd, the JVM...), not the server's; rows named `catalog: ...` are compared"
                + " with the catalog's own floor, `pg_dump -Fc` and `pg_restore -d`");
        out.add("");
        out.add("| command | time (s) | " + TIMES + " floor | " + TIMES + " `pg_dump -Fc` | " + TIMES
                + " `pg_restore -d` | " + TIMES + " `pgkeep restore` | size (MB) | peak RSS (MB) | client CPU (s) |");
        out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        new LinkedHashSet<>(runs.stream().map(Run::name).toList()).forEach(name -> out.add(row(name)));
        out.add("");
        if (info.containsKey("not_measured")) {
            out.add("Rows not measured here: " + info.get("not_measured") + ".");
        }
        return out;
    }

    private String row(String name) {
        DoubleSummaryStatistics secs = ok(name).mapToDouble(Run::secs).summaryStatistics();
        if (secs.getCount() == 0) {
            return "| " + name + " | failed | | | | | | | |";
        }
        String time = fmt(median(ok(name).mapToDouble(Run::secs)), 2);
        if (secs.getMin() != secs.getMax()) {
            time += " (" + fmt(secs.getMin(), 2) + DASH + fmt(secs.getMax(), 2) + ")";
        }
        long failed = runs(name).filter(r -> !r.ok()).count();
        if (failed > 0) {
            time += " **" + failed + " failed**";
        }
        boolean backup = !name.contains("restore") && !name.contains("list");
        boolean restore = name.contains("restore");
        String group = group(name);
        return cells(
                "`" + name.replace("|", "\\|") + "`",
                time,
                backup ? ratio(name, group + FLOOR) : "",
                backup ? ratio(name, group + PG_DUMP) : "",
                restore ? ratio(name, group + PG_RESTORE) : "",
                restore && name.contains("pgkeep") ? ratio(name, pgkeepRestore(group)) : "",
                fmt(median(ok(name).mapToDouble(Run::bytes).filter(b -> !Double.isNaN(b))) / 1e6, 0),
                name.contains("pgkeep") ? fmt(median(ok(name).mapToDouble(Run::rssKib)) / 1024, 0) : "",
                fmt(median(ok(name).mapToDouble(Run::cpu)), 2));
    }

    /** "catalog: " for the row "catalog: pgkeep backup", "" for a row of the table's own dataset. */
    private static String group(String name) {
        int colon = name.indexOf(": ");
        return colon < 0 || name.substring(0, colon).contains(" ") ? "" : name.substring(0, colon + 2);
    }

    /** The plain pgkeep restore row of a group (its name starts with "pgkeep restore" and it has no option). */
    private String pgkeepRestore(String group) {
        return runs.stream()
                .map(Run::name)
                .filter(n -> n.startsWith(group + PGKEEP_RESTORE) && !n.contains("--") && !n.contains(" of ")
                        && !n.contains(" from "))
                .findFirst()
                .orElse("");
    }

    /** The median over repetitions of NAME's time divided by REFERENCE's time in the same repetition. */
    private String ratio(String name, String reference) {
        double median = median(ok(name).flatMapToDouble(run -> ok(reference)
                .filter(ref -> ref.rep() == run.rep() && ref.secs() > 0)
                .mapToDouble(ref -> run.secs() / ref.secs())));
        return median > 0 ? fmt(median, 2) : "";
    }

    List<String> scaling() {
        Map<String, Double> bytesBySize = new LinkedHashMap<>();
        info.forEach((key, value) -> {
            if (key.startsWith("dataset ")) {
                bytesBySize.put(key.substring("dataset ".length()), Double.parseDouble(value));
            }
        });
        List<String> out = new ArrayList<>();
        out.add("### pgkeep scaling run, " + info.get("date"));
        out.add("");
        out.add("- Command: `" + info.get("command") + "` (sizes: " + String.join(" ", bytesBySize.keySet())
                + " MB); median of " + info.get("reps") + "; load average at end: " + info.get("load_end"));
        out.addAll(environment());
        out.add("");
        out.add("| dataset (GB on disk) | floor (s) | backup (s) | backup s/GB | backup " + TIMES
                + " floor | restore (s) | restore s/GB | backup peak RSS (MB) | restore peak RSS (MB) |");
        out.add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        bytesBySize.forEach((mb, bytes) -> {
            double gb = bytes / 1e9;
            double floor = median(ok("floor " + mb).mapToDouble(Run::secs));
            double backup = median(ok("backup " + mb).mapToDouble(Run::secs));
            double restore = median(ok("restore " + mb).mapToDouble(Run::secs));
            out.add(cells(
                    fmt(gb, 2),
                    fmt(floor, 2),
                    fmt(backup, 2),
                    fmt(backup / gb, 1),
                    fmt(backup / floor, 2),
                    fmt(restore, 2),
                    fmt(restore / gb, 1),
                    fmt(median(ok("backup " + mb).mapToDouble(Run::rssKib)) / 1024, 0),
                    fmt(median(ok("restore " + mb).mapToDouble(Run::rssKib)) / 1024, 0)));
        });
        return out;
    }

    private List<String> environment() {
        return List.of(
                "- Machine: " + info.get("machine"),
                "- PostgreSQL: " + info.get("postgresql"),
                "- JDK: " + info.get("jdk"),
                "- Server: " + info.get("server"));
    }

    private Stream<Run> runs(String name) {
        return runs.stream().filter(r -> r.name().equals(name));
    }

    private Stream<Run> ok(String name) {
        return runs(name).filter(Run::ok);
    }

    private static String cells(String... cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    private static double median(DoubleStream values) {
        double[] v = values.sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Rounds like C's printf("%.Nf") (so like the awk this replaced); empty for a number that could not be had. */
    private static String fmt(double x, int decimals) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return "";
        }
        return new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
