package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed backups as an attacker meets them: whoever can write the repository can replace a dump and rewrite the
 * SHA-256 beside it, and without signatures restore runs their SQL; with {@code --trusted-key} it refuses (exit 4),
 * as it refuses an unsigned backup and one signed by another key. Keys are made by the real gpg.
 */
@ExtendWith(PostgresExtension.class)
class CliSignedBackupTest {
    private static final Pattern ID = Pattern.compile("\"id\":\"(\\d{8}T\\d{6}Z-[0-9a-f]+)\"");
    /** The jq program of docs/encryption.md. */
    private static final String JQ_STATEMENT = "\"pgkeep signed backup v1\\nid: \\(.id)\\ndatabase: \\(.database)"
            + "\\nformat: \\(.format)\\ndumpObject: \\(.dumpObject)\\ndumpBytes: \\(.dumpBytes)"
            + "\\nstoredBytes: \\(.storedBytes)\\nsha256: \\(.sha256)\\n\"";

    private static String source = "";
    private static String evil = "";

    @BeforeAll
    static void createDatabases(PostgresServer pg) {
        source = PostgresServer.uniqueDatabaseName("cli_signed");
        SampleDatabase.create(pg, source);
        evil = PostgresServer.uniqueDatabaseName("cli_evil");
        pg.createDatabase(evil);
        pg.psql(evil, "CREATE TABLE planted (note text); INSERT INTO planted VALUES ('attacker was here');");
    }

    @AfterAll
    static void dropDatabases(PostgresServer pg) {
        pg.dropDatabase(source);
        pg.dropDatabase(evil);
    }

    @Test
    void aReplacedDumpWithARewrittenChecksumAnUnsignedAndAnUntrustedBackupAreRefused(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        assumeTrue(CliEncryptionAndS3Test.gpgAvailable(), "no gpg binary on this machine: skipped");
        Path hostSec = dir.resolve("host.sec.asc");
        Path hostPub = dir.resolve("host.pub.asc");
        CliEncryptionAndS3Test.generateKey(dir.resolve("gnupg-host"), hostPub, hostSec);
        Path otherSec = dir.resolve("other.sec.asc");
        Path otherPub = dir.resolve("other.pub.asc");
        CliEncryptionAndS3Test.generateKey(dir.resolve("gnupg-other"), otherPub, otherSec);
        Path repo = dir.resolve("repo");
        Map<String, String> env = new HashMap<>(CliEndToEndTest.env(pg));
        env.put("PGKEEP_SIGN_PASSPHRASE", CliEncryptionAndS3Test.PASSPHRASE);

        String signedId = backup(pg, env, source, repo, "--sign-key", hostSec.toString());
        Path folder = repo.resolve(source).resolve(signedId);
        assertThat(folder.resolve("manifest.sig")).content().startsWith("-----BEGIN PGP SIGNATURE-----");
        if (Files.isExecutable(Path.of("/usr/bin/jq"))) {
            // docs/encryption.md: the statement rebuilt from the manifest with jq, checked by gpg alone
            Path statement = dir.resolve("statement.txt");
            Process jq = new ProcessBuilder(
                            "jq",
                            "-j",
                            JQ_STATEMENT,
                            folder.resolve("manifest.json").toString())
                    .redirectOutput(statement.toFile())
                    .start();
            assertThat(jq.waitFor()).isZero();
            Process gpg = new ProcessBuilder(
                            "gpg",
                            "--batch",
                            "--homedir",
                            dir.resolve("gnupg-host").toString(),
                            "--verify",
                            folder.resolve("manifest.sig").toString(),
                            statement.toString())
                    .redirectErrorStream(true)
                    .start();
            String said = new String(gpg.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(gpg.waitFor()).as(said).isZero();
            assertThat(said).contains("Good signature");
        }
        CliRun verified = CliRun.run(
                env, "verify", "--repo", repo.toString(), "--backup", signedId, "--trusted-key", hostPub.toString());
        assertThat(verified.exitCode()).as(verified::toString).isZero();

        // signed, but by a key this restore does not trust; the refusal does not mark the backup bad
        CliRun untrusted = CliRun.run(
                env, "verify", "--repo", repo.toString(), "--backup", signedId, "--trusted-key", otherPub.toString());
        assertThat(untrusted.exitCode()).as(untrusted::toString).isEqualTo(4);
        assertThat(untrusted.err()).contains("which is not a trusted key");
        assertThat(folder.resolve("manifest.json")).content().doesNotContain("\"ok\":false");

        // the attacker: another database's dump in its place, size and SHA-256 rewritten to match
        Path evilRepo = dir.resolve("evil-repo");
        String evilId = backup(pg, env, evil, evilRepo);
        Path evilDump = evilRepo.resolve(evil).resolve(evilId).resolve("dump.pgc.zst");
        Files.copy(evilDump, folder.resolve("dump.pgc.zst"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String manifest = Files.readString(folder.resolve("manifest.json"));
        String evilManifest =
                Files.readString(evilRepo.resolve(evil).resolve(evilId).resolve("manifest.json"));
        Files.writeString(
                folder.resolve("manifest.json"),
                manifest.replaceFirst("\"sha256\"\\s*:\\s*\"[0-9a-f]+\"", field(evilManifest, "sha256"))
                        .replaceFirst("\"storedBytes\"\\s*:\\s*\\d+", field(evilManifest, "storedBytes")));

        String target = PostgresServer.uniqueDatabaseName("cli_signed_target");
        CliRun refused = restore(env, repo, signedId, pg.url(target), "--create", "--trusted-key", hostPub.toString());
        assertThat(refused.exitCode()).as(refused::toString).isEqualTo(4);
        assertThat(refused.err()).contains("does not match the backup").contains("nothing was changed");
        assertThat(pg.databaseExists(target)).isFalse();
        try {
            // what the signature prevents: without it, the checksum agrees and the attacker's SQL runs
            CliRun fooled = restore(env, repo, signedId, pg.url(target), "--create");
            assertThat(fooled.exitCode()).as(fooled::toString).isZero();
            assertThat(pg.psql(target, "SELECT note FROM planted")).isEqualTo("attacker was here");
        } finally {
            pg.dropDatabase(target);
        }

        String unsignedId = backup(pg, env, source, repo);
        CliRun unsigned =
                restore(env, repo, unsignedId, pg.url(target), "--create", "--trusted-key", hostPub.toString());
        assertThat(unsigned.exitCode()).as(unsigned::toString).isEqualTo(4);
        assertThat(unsigned.err()).contains("is not signed").contains("manifest.sig");
        assertThat(pg.databaseExists(target)).isFalse();

        // a restore over tables signs the safety backup it takes first
        try {
            CliRun created = restore(env, repo, unsignedId, pg.url(target), "--create");
            assertThat(created.exitCode()).as(created::toString).isZero();
            CliRun over = restore(
                    env, repo, unsignedId, pg.url(target), "--force", "--sign-key", hostSec.toString(), "--json");
            assertThat(over.exitCode()).as(over::toString).isZero();
            Matcher safety = Pattern.compile("\"safetyBackupId\":\"([^\"]+)\"").matcher(over.out());
            assertThat(safety.find()).as(over.out()).isTrue();
            CliRun safetySigned = CliRun.run(
                    env,
                    "verify",
                    "--repo",
                    repo.toString(),
                    "--backup",
                    safety.group(1),
                    "--trusted-key",
                    hostPub.toString());
            assertThat(safetySigned.exitCode()).as(safetySigned::toString).isZero();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aSignedParallelBackupCoversEveryObject(PostgresServer pg, @TempDir Path dir) throws Exception {
        assumeTrue(CliEncryptionAndS3Test.gpgAvailable(), "no gpg binary on this machine: skipped");
        Path hostSec = dir.resolve("host.sec.asc");
        Path hostPub = dir.resolve("host.pub.asc");
        CliEncryptionAndS3Test.generateKey(dir.resolve("gnupg-host"), hostPub, hostSec);
        Path repo = dir.resolve("repo");
        Map<String, String> env = new HashMap<>(CliEndToEndTest.env(pg));
        env.put("PGKEEP_SIGN_PASSPHRASE", CliEncryptionAndS3Test.PASSPHRASE);
        String id = backup(pg, env, source, repo, "--sign-key", hostSec.toString(), "--jobs", "2");
        Path folder = repo.resolve(source).resolve(id);
        CliRun verified = CliRun.run(
                env, "verify", "--repo", repo.toString(), "--backup", id, "--trusted-key", hostPub.toString());
        assertThat(verified.exitCode()).as(verified::toString).isZero();

        // the attacker replaces the table of contents and rewrites its entry in the manifest to match
        String original = Files.readString(folder.resolve("manifest.json"));
        byte[] planted = "PGDMP not the original table of contents".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(folder.resolve("dump.d.toc.dat.zst"), planted);
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(planted));
        String rewritten = original.replaceFirst(
                "(\"file\" : \"toc\\.dat\",\\s*\"dumpBytes\" : \\d+,\\s*\"storedBytes\" : )\\d+(,\\s*\"sha256\" : \")[0-9a-f]+",
                "$1" + planted.length + "$2" + sha);
        assertThat(rewritten).isNotEqualTo(original);
        Files.writeString(folder.resolve("manifest.json"), rewritten);
        String target = PostgresServer.uniqueDatabaseName("cli_signed_parallel");
        CliRun listing = restore(env, repo, id, pg.url(target), "--create", "--trusted-key", hostPub.toString());
        assertThat(listing.exitCode()).as(listing::toString).isEqualTo(4);
        assertThat(listing.err()).contains("list of objects does not match");
        // ... and the listing's SHA-256 too: now the signature no longer fits
        Files.writeString(
                folder.resolve("manifest.json"),
                rewritten.replaceFirst(
                        "\"sha256\" : \"[0-9a-f]+\",\\s*\"tables\"", "\"sha256\" : \"" + sha + "\",\n  \"tables\""));
        CliRun signature = restore(env, repo, id, pg.url(target), "--create", "--trusted-key", hostPub.toString());
        assertThat(signature.exitCode()).as(signature::toString).isEqualTo(4);
        assertThat(signature.err()).contains("does not match the backup");
        assertThat(pg.databaseExists(target)).isFalse();
    }

    private static String backup(
            PostgresServer pg, Map<String, String> env, String database, Path repo, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(
                java.util.List.of("backup", "--db", pg.url(database), "--repo", repo.toString(), "--json"));
        args.addAll(java.util.List.of(extra));
        CliRun run = CliRun.run(env, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run::toString).isZero();
        Matcher id = ID.matcher(run.out());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static String field(String json, String name) {
        Matcher m =
                Pattern.compile("\"" + name + "\"\\s*:\\s*(\"[0-9a-f]+\"|\\d+)").matcher(json);
        assertThat(m.find()).as(name).isTrue();
        return Matcher.quoteReplacement(m.group());
    }

    private static CliRun restore(Map<String, String> env, Path repo, String id, String target, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(
                java.util.List.of("restore", "--repo", repo.toString(), "--backup", id, "--db", target));
        args.addAll(java.util.List.of(extra));
        return CliRun.run(env, args.toArray(String[]::new));
    }
}
