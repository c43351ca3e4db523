package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jars the build made (failsafe runs this after the package phase): {@code pgkeep --version} of the runnable jar
 * prints the POM's version, a backup it makes records that version as the manifest's {@code tool.version}, and both
 * jars' manifests carry it with the module name.
 */
class BuiltJarVersionIT {
    private static final String VERSION = System.getProperty("pgkeep.project.version", "");
    private static final Path ALL_JAR = Path.of(System.getProperty("pgkeep.cli.jar", "missing"));
    private static final Path THIN_JAR = Path.of(System.getProperty("pgkeep.cli.thinJar", "missing"));

    @Test
    void theRunnableJarReportsTheVersionTheBuildGaveIt() throws Exception {
        assertThat(VERSION).as("Maven passes project.version").isNotBlank();
        assertThat(ALL_JAR).as("the shaded jar exists after package").isRegularFile();

        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        ALL_JAR.toString(),
                        "--version")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("pgkeep --version finishes")
                .isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(p.exitValue()).as(out).isZero();
        // "(commit 1a2b3c4)" only when core was built in a git checkout; never a placeholder
        assertThat(out).matches("pgkeep " + java.util.regex.Pattern.quote(VERSION) + "( \\(commit [0-9a-f]{7,}\\))?");
        if (mainAttributes(ALL_JAR).getValue("Git-Commit") != null) {
            assertThat(out).contains("(commit ");
        }
    }

    @Test
    void bothJarsCarryTheVersionAndTheModuleName() throws Exception {
        for (Path jar : new Path[] {THIN_JAR, ALL_JAR}) {
            assertThat(jar).isRegularFile();
            Attributes main = mainAttributes(jar);
            assertThat(main.getValue("Implementation-Version"))
                    .as(jar.toString())
                    .isEqualTo(VERSION);
            assertThat(main.getValue("Implementation-Title")).as(jar.toString()).isEqualTo("pgkeep CLI");
            assertThat(main.getValue("Automatic-Module-Name"))
                    .as(jar.toString())
                    .isEqualTo("dev.pgkeep.cli");
        }
        assertThat(mainAttributes(ALL_JAR).getValue("Main-Class")).isEqualTo(PgkeepCommand.class.getName());
        try (JarFile all = new JarFile(ALL_JAR.toFile())) {
            // the license the jar is under, and the bundled libraries' notices merged with pgkeep's
            assertThat(new String(
                            all.getInputStream(all.getEntry("META-INF/LICENSE")).readAllBytes(),
                            StandardCharsets.UTF_8))
                    .contains("Apache License", "Version 2.0, January 2004");
            assertThat(new String(
                            all.getInputStream(all.getEntry("META-INF/NOTICE")).readAllBytes(), StandardCharsets.UTF_8))
                    .contains("Copyright 2026 The pgkeep authors");
        }
    }

    @Test
    void aBackupByTheRunnableJarRecordsThatVersionInItsManifest(@TempDir Path dir) throws Exception {
        PostgresServer pg = PostgresServer.shared();
        String database = PostgresServer.uniqueDatabaseName("jar_version");
        pg.createDatabase(database);
        try {
            pg.psql(database, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10) g");
            Path repo = dir.resolve("repo");
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            ALL_JAR.toString(),
                            "backup",
                            "--db",
                            pg.urlWithoutPassword(database),
                            "--repo",
                            repo.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile());
            pb.environment().put("PGPASSWORD", pg.password());
            pb.environment().put("PGKEEP_PG_BIN", pg.binDir().toString());
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(() -> read(dir.resolve("out.txt"))).isZero();

            Path manifest;
            try (Stream<Path> files = Files.walk(repo)) {
                manifest = files.filter(f -> f.getFileName().toString().equals("manifest.json"))
                        .findFirst()
                        .orElseThrow();
            }
            JsonNode tool = new ObjectMapper().readTree(manifest.toFile()).get("tool");
            assertThat(tool.get("name").asText()).isEqualTo("pgkeep");
            assertThat(tool.get("version").asText()).isEqualTo(VERSION);
        } finally {
            pg.dropDatabase(database);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Attributes mainAttributes(Path jar) throws IOException {
        assertThat(Files.isRegularFile(jar)).as(jar.toString()).isTrue();
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest().getMainAttributes();
        }
    }
}
