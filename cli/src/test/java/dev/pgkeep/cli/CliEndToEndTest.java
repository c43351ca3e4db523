package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as an operator uses it: backup, list, restore into a new database, verify, prune, delete, exit codes. */
@ExtendWith(PostgresExtension.class)
class CliEndToEndTest {
    private static final Pattern ID = Pattern.compile("\"id\":\"(\\d{8}T\\d{6}Z-[0-9a-f]+)\"");
    private static String source = "";
    private static DatabaseFingerprint original;

    @BeforeAll
    static void createSource(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_src");
        SampleDatabase.create(pg, source);
        original = DatabaseFingerprint.of(pg, source);
    }

    @AfterAll
    static void dropSource(PostgresServer pg) {
        pg.dropDatabase(source);
    }

    static Map<String, String> env(PostgresServer pg) {
        return Map.of("PGKEEP_PG_BIN", pg.binDir().toString());
    }

    @Test
    void listIsATableWithLocalTimesAndBinarySizesAndJsonStaysAsItWas(PostgresServer pg, @TempDir Path dir) {
        String repo = dir.resolve("r").toString();
        for (String label : new String[] {"first", "a much longer label"}) {
            CliRun backup = CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo, "--label", label);
            assertThat(backup.exitCode()).as(backup::toString).isZero();
        }
        Map<String, String> paris = new java.util.HashMap<>(env(pg));
        paris.put("TZ", "Europe/Paris");
        CliRun list = CliRun.run(paris, "list", "--repo", repo);
        assertThat(list.exitCode()).as(list::toString).isZero();
        java.util.List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("ID +DATABASE +COMPLETED +SIZE +CODEC +ENCRYPTED +VERIFIED +LABEL");
        int sizeEnds = lines.get(0).indexOf("SIZE") + "SIZE".length();
        int codecStarts = lines.get(0).indexOf("CODEC");
        for (String line : lines.subList(1, 3)) {
            // CET in winter, CEST in summer; the UTC instant is alongside
            assertThat(line)
                    .containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d CES?T \\((\\d\\d-\\d\\d )?\\d\\d:\\d\\dZ\\)");
            // sizes right-aligned under their header, in binary units
            assertThat(line.substring(0, sizeEnds)).matches(".* \\d+(\\.\\d)? (B|KiB|MiB)");
            assertThat(line.substring(codecStarts)).startsWith("zstd");
        }
        assertThat(lines.get(1)).endsWith("  a much longer label");
        assertThat(lines.get(2)).endsWith("  first");

        CliRun json = CliRun.run(paris, "list", "--repo", repo, "--json");
        assertThat(json.out().strip()).startsWith("{\"backups\":[").contains("\"completedAt\":\"20");
        assertThat(json.out()).doesNotContain("CET");
    }

    @Test
    void backupThenRestoreLatestIntoANewDatabaseReproducesItExactly(PostgresServer pg, @TempDir Path dir) {
        String repo = dir.resolve("r").toString();
        CliRun backup = CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo, "--json");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        assertThat(backup.out().strip())
                .startsWith("{")
                .endsWith("}")
                .contains("\"database\":\"" + source + "\"")
                .contains("\"encrypted\":false")
                .contains("\"sha256\":");
        Matcher id = ID.matcher(backup.out());
        assertThat(id.find()).isTrue();

        CliRun list = CliRun.run(env(pg), "list", "--repo", repo);
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(id.group(1)).contains(source);

        String target = PostgresServer.uniqueDatabaseName("cli_new");
        try {
            CliRun restore =
                    CliRun.run(env(pg), "restore", "--repo", repo, "--latest", "--db", pg.url(target), "--create");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(restore.out()).contains("Restored backup " + id.group(1)).contains(target);
            DatabaseFingerprint copy = DatabaseFingerprint.of(pg, target);
            assertThat(copy.diff(original)).isEmpty();

            CliRun verify = CliRun.run(
                    env(pg),
                    "verify",
                    "--repo",
                    repo,
                    "--backup",
                    id.group(1),
                    "--restore-test",
                    "--db",
                    pg.url("postgres"),
                    "--json");
            assertThat(verify.exitCode()).as(verify::toString).isZero();
            assertThat(verify.out()).contains("\"ok\":true").contains("\"method\":\"restore-test\"");
            assertThat(CliRun.run(env(pg), "list", "--repo", repo).out()).contains("ok restore-test");
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aDrillWithTheApplicationsSqlChecksPassesOrFailsTheBackupsVerification(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        String repo = dir.resolve("r").toString();
        assertThat(CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo)
                        .exitCode())
                .isZero();
        Path good = Files.writeString(dir.resolve("good.sql"), """
                -- every item is in the restored copy, and none has a negative quantity
                select count(*) > 0 from inventory.items;
                select id from inventory.items
                 where qty < 0;
                """);
        Path bad = Files.writeString(dir.resolve("bad.sql"), "select id from inventory.items where id > 0;\n");
        String[] verify = {"verify", "--repo", repo, "--latest", "--restore-test", "--db", pg.url(source), "--json"};

        CliRun passing = CliRun.run(env(pg), concat(verify, new String[] {"--check-sql", good.toString()}));
        assertThat(passing.exitCode()).as(passing::toString).isZero();
        assertThat(passing.out()).contains("\"method\":\"restore-test+checks\"");

        CliRun failing = CliRun.run(
                env(pg), concat(verify, new String[] {"--check-sql", good.toString(), "--check-sql", bad.toString()}));
        assertThat(failing.exitCode()).isEqualTo(4);
        assertThat(failing.err())
                .contains("fails 1 of the application's 3 check(s)")
                .contains("bad.sql:1");
        assertThat(CliRun.run(env(pg), "list", "--repo", repo).out()).contains("FAILED restore-test+checks");

        CliRun noRestore = CliRun.run(env(pg), "verify", "--repo", repo, "--latest", "--check-sql", good.toString());
        assertThat(noRestore.exitCode()).isEqualTo(2);
        assertThat(noRestore.err()).contains("restore test");
    }

    @Test
    void calendarRetentionShowsWhichRulesKeepEachBackupAndDeletesTheRest(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        Path repo = dir.resolve("r");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CliRun backup = CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo.toString(), "--json");
            assertThat(backup.exitCode()).as(backup::toString).isZero();
            Matcher id = ID.matcher(backup.out());
            assertThat(id.find()).isTrue();
            ids.add(id.group(1));
        }
        // the two older backups completed on two earlier days (the manifest is not covered by the dump's checksum)
        Instant now = Instant.now();
        moveCompletion(repo, ids.get(0), now.minus(Duration.ofDays(10)));
        moveCompletion(repo, ids.get(1), now.minus(Duration.ofDays(9)));

        String[] rules = {"--keep-days", "0", "--keep-min", "1", "--keep-daily", "2"};
        CliRun dry = CliRun.run(
                env(pg), concat(new String[] {"prune", "--repo", repo.toString(), "--dry-run", "--json"}, rules));
        assertThat(dry.exitCode()).as(dry::toString).isZero();
        assertThat(dry.out())
                .contains("\"deleted\":[\"" + ids.get(0) + "\"]")
                .contains("{\"id\":\"" + ids.get(2) + "\",\"database\":\"" + source + "\",\"completedAt\":")
                .contains("\"keep\":true,\"keptBy\":[\"newest\",\"keep-min\",\"daily\"]")
                .contains("\"keep\":true,\"keptBy\":[\"daily\"]")
                .contains("\"keep\":false,\"keptBy\":[]");
        CliRun human =
                CliRun.run(env(pg), concat(new String[] {"prune", "--repo", repo.toString(), "--dry-run"}, rules));
        assertThat(human.out()).contains("delete " + ids.get(0)).contains("keep   " + ids.get(1));

        CliRun prune = CliRun.run(env(pg), concat(new String[] {"prune", "--repo", repo.toString()}, rules));
        assertThat(prune.exitCode()).as(prune::toString).isZero();
        CliRun list = CliRun.run(env(pg), "list", "--repo", repo.toString(), "--json");
        assertThat(list.out()).doesNotContain(ids.get(0)).contains(ids.get(1)).contains(ids.get(2));

        CliRun bad = CliRun.run(env(pg), "prune", "--repo", repo.toString(), "--keep-weekly", "-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("keep-weekly");
    }

    private static void moveCompletion(Path repo, String id, Instant completedAt) throws Exception {
        try (var files = Files.walk(repo)) {
            Path manifest = files.filter(p -> p.endsWith(Path.of(id, "manifest.json")))
                    .findFirst()
                    .orElseThrow();
            String json = Files.readString(manifest);
            String moved =
                    json.replaceFirst("\"completedAt\"\\s*:\\s*\"[^\"]+\"", "\"completedAt\":\"" + completedAt + "\"");
            assertThat(moved).isNotEqualTo(json);
            Files.writeString(manifest, moved);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aFlippedByteMakesRestoreExitWith4AndLeavesTheTargetUnchanged(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        Path repo = dir.resolve("r");
        assertThat(CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo.toString())
                        .exitCode())
                .isZero();
        Path dump;
        try (Stream<Path> files = Files.walk(repo)) {
            dump = files.filter(f -> f.getFileName().toString().startsWith("dump.pgc"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(dump);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(dump, bytes);

        String target = PostgresServer.uniqueDatabaseName("cli_tamper");
        pg.createDatabase(target);
        pg.psql(target, "CREATE TABLE mine(v text); INSERT INTO mine VALUES ('untouched');");
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, target);
        try {
            CliRun restore = CliRun.run(
                    env(pg),
                    "restore",
                    "--repo",
                    repo.toString(),
                    "--latest",
                    "--source",
                    source,
                    "--db",
                    pg.url(target),
                    "--force");
            assertThat(restore.exitCode()).as(restore::toString).isEqualTo(4);
            assertThat(restore.err()).contains("corrupt").contains("SHA-256");
            assertThat(DatabaseFingerprint.of(pg, target).diff(before)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void safetyGuardsExitWith3AndUsageErrorsWith2(PostgresServer pg, @TempDir Path dir) {
        String repo = dir.resolve("r").toString();
        assertThat(CliRun.run(env(pg), "backup", "--db", pg.url(source), "--repo", repo)
                        .exitCode())
                .isZero();
        // restoring over a database with tables needs --force
        CliRun noForce = CliRun.run(env(pg), "restore", "--repo", repo, "--latest", "--db", pg.url(source));
        assertThat(noForce.exitCode()).as(noForce::toString).isEqualTo(3);
        assertThat(noForce.err()).contains("--force");
        // production needs --confirm with the target's name
        Map<String, String> production = Map.of("PGKEEP_PG_BIN", pg.binDir().toString(), "PGKEEP_ENV", "production");
        CliRun unconfirmed =
                CliRun.run(production, "restore", "--repo", repo, "--latest", "--db", pg.url(source), "--force");
        assertThat(unconfirmed.exitCode()).as(unconfirmed::toString).isEqualTo(3);
        assertThat(unconfirmed.err()).contains("--confirm " + source);
        // delete needs --force
        assertThat(CliRun.run(env(pg), "delete", "--repo", repo, "--backup", "20261125T020000Z-7f3a")
                        .exitCode())
                .isEqualTo(3);
        // usage errors
        CliRun noSource = CliRun.run(env(pg), "restore", "--repo", repo, "--db", pg.url(source));
        assertThat(noSource.exitCode()).isEqualTo(2);
        CliRun badId = CliRun.run(
                env(pg), "restore", "--repo", repo, "--backup", "../../etc/passwd", "--db", pg.url(source), "--json");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.out().strip()).startsWith("{\"").contains("\"exitCode\":2");
        CliRun unknown = CliRun.run(
                env(pg), "restore", "--repo", repo, "--backup", "20200101T000000Z-0000", "--db", pg.url(source));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("No backup 20200101T000000Z-0000");
        // nothing above changed the source database
        assertThat(DatabaseFingerprint.of(pg, source).diff(original)).isEmpty();
    }

    @Test
    void aFailedPgDumpExitsWith1AndStoresNothing(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("r");
        String wrongPassword = "postgresql://postgres:wrong-pw@" + pg.host() + ":" + pg.port() + "/" + source;
        CliRun run = CliRun.run(env(pg), "backup", "--db", wrongPassword, "--repo", repo.toString());
        assertThat(run.exitCode()).as(run::toString).isEqualTo(1);
        assertThat(run.err()).contains("password authentication failed").doesNotContain("wrong-pw");
        assertThat(CliRun.run(env(pg), "list", "--repo", repo.toString()).out()).contains("No backups");
    }

    @Test
    void restoresAPlainPgDumpFileThatPgkeepDidNotWrite(PostgresServer pg, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain.dump");
        ProcessBuilder pb = new ProcessBuilder(pg.binDir().resolve("pg_dump").toString(), "-Fc", "-f", file.toString());
        pb.environment().putAll(pg.clientEnvironment(source));
        assertThat(pb.inheritIO().start().waitFor()).isZero();
        String target = PostgresServer.uniqueDatabaseName("cli_file");
        try {
            CliRun restore = CliRun.run(
                    env(pg), "restore", "--file", file.toString(), "--db", pg.url(target), "--create", "--jobs", "2");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
    }
}
