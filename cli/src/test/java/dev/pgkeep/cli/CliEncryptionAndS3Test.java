package dev.pgkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with the adapters: a backup encrypted to a key made by the real gpg, stored in a real S3 API server
 * (s3proxy), restored with the secret key; and the errors an operator meets on the way.
 */
@ExtendWith(PostgresExtension.class)
class CliEncryptionAndS3Test {
    static final String PASSPHRASE = "correct horse battery staple";
    private static String source = "";
    private static DatabaseFingerprint original;
    private static S3TestServer s3;

    @BeforeAll
    static void start(PostgresServer pg) throws Exception {
        source = PostgresServer.uniqueDatabaseName("cli_s3");
        SampleDatabase.create(pg, source);
        original = DatabaseFingerprint.of(pg, source);
        s3 = S3TestServer.start();
        s3.createBucket("backups");
        // the AWS SDK's default credentials chain reads these system properties (env vars work the same way)
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
    }

    @AfterAll
    static void stop(PostgresServer pg) throws Exception {
        pg.dropDatabase(source);
        s3.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private static String repo(String prefix) {
        return "s3://backups/" + prefix + "?endpoint=" + s3.endpoint() + "&region=" + S3TestServer.REGION
                + "&path-style=true";
    }

    @Test
    void encryptedBackupToS3RestoresWithTheSecretKeyAndNotWithoutIt(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        assumeTrue(gpgAvailable(), "no gpg binary on this machine: the gpg-made key test is skipped");
        Path pub = dir.resolve("backup.pub.asc");
        Path sec = dir.resolve("backup.sec.asc");
        generateKey(dir.resolve("gnupg"), pub, sec);
        String repo = repo("enc");
        Map<String, String> env = new HashMap<>(CliEndToEndTest.env(pg));

        CliRun backup = CliRun.run(
                env, "backup", "--db", pg.url(source), "--repo", repo, "--encrypt-to", pub.toString(), "--json");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        assertThat(backup.out()).contains("\"encrypted\":true");
        assertThat(CliRun.run(env, "list", "--repo", repo).out()).contains("openpgp (1)");

        String target = PostgresServer.uniqueDatabaseName("cli_s3_new");
        try {
            CliRun noKey = CliRun.run(env, "restore", "--repo", repo, "--latest", "--db", pg.url(target), "--create");
            assertThat(noKey.exitCode()).as(noKey::toString).isEqualTo(2);
            assertThat(noKey.err()).contains("--decrypt-key");
            assertThat(pg.databaseExists(target)).isFalse();

            CliRun noPassphrase = CliRun.run(
                    env,
                    "restore",
                    "--repo",
                    repo,
                    "--latest",
                    "--db",
                    pg.url(target),
                    "--create",
                    "--decrypt-key",
                    sec.toString(),
                    "--passphrase-env",
                    "BACKUP_KEY_PASSPHRASE");
            assertThat(noPassphrase.exitCode()).isEqualTo(2);
            assertThat(noPassphrase.err()).contains("BACKUP_KEY_PASSPHRASE");

            env.put("BACKUP_KEY_PASSPHRASE", PASSPHRASE);
            CliRun restore = CliRun.run(
                    env,
                    "restore",
                    "--repo",
                    repo,
                    "--latest",
                    "--db",
                    pg.url(target),
                    "--create",
                    "--decrypt-key",
                    sec.toString(),
                    "--passphrase-env",
                    "BACKUP_KEY_PASSPHRASE");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
            assertThat(restore.out() + restore.err()).doesNotContain(PASSPHRASE);

            CliRun verify = CliRun.run(
                    env,
                    "verify",
                    "--repo",
                    repo,
                    "--latest",
                    "--decrypt-key",
                    sec.toString(),
                    "--passphrase-env",
                    "BACKUP_KEY_PASSPHRASE",
                    "--json");
            assertThat(verify.exitCode()).as(verify::toString).isZero();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aParallelEncryptedBackupToS3RestoresWithJobsAndRefusesBadJobCounts(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        assumeTrue(gpgAvailable(), "no gpg binary on this machine: the gpg-made key test is skipped");
        Path pub = dir.resolve("backup.pub.asc");
        Path sec = dir.resolve("backup.sec.asc");
        generateKey(dir.resolve("gnupg"), pub, sec);
        String repo = repo("parallel");
        Map<String, String> env = new HashMap<>(CliEndToEndTest.env(pg));
        env.put("BACKUP_KEY_PASSPHRASE", PASSPHRASE);

        CliRun zero = CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo, "--jobs", "0");
        assertThat(zero.exitCode()).as(zero::toString).isEqualTo(2);
        assertThat(zero.err()).contains("--jobs must be at least 1, got 0");
        CliRun backup = CliRun.run(
                env,
                "backup",
                "--db",
                pg.url(source),
                "--repo",
                repo,
                "--encrypt-to",
                pub.toString(),
                "--jobs",
                "2",
                "--json");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        assertThat(backup.out()).contains("\"encrypted\":true");
        CliRun listed = CliRun.run(env, "list", "--repo", repo, "--json");
        assertThat(listed.out()).contains("\"format\":\"directory\"").contains(".pgp\"");

        String target = PostgresServer.uniqueDatabaseName("cli_s3_parallel");
        try {
            CliRun restore = CliRun.run(
                    env,
                    "restore",
                    "--repo",
                    repo,
                    "--latest",
                    "--db",
                    pg.url(target),
                    "--create",
                    "--jobs",
                    "2",
                    "--decrypt-key",
                    sec.toString(),
                    "--passphrase-env",
                    "BACKUP_KEY_PASSPHRASE");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void aKeyGpgMadeWithoutAPassphraseDecryptsWithoutOneAndAProtectedKeySaysWhatIsMissing(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        assumeTrue(gpgAvailable(), "no gpg binary on this machine: the gpg-made key test is skipped");
        Path home = dir.resolve("gnupg");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        gpg(home, "", "--passphrase", "", "--quick-gen-key", "no passphrase <nopass@pgkeep.dev>", "default", "default");
        Path pub =
                Files.write(dir.resolve("nopass.pub.asc"), gpg(home, "", "--armor", "--export", "nopass@pgkeep.dev"));
        Path sec = Files.write(
                dir.resolve("nopass.sec.asc"), gpg(home, "", "--armor", "--export-secret-keys", "nopass@pgkeep.dev"));
        String repo = dir.resolve("r").toString();
        Map<String, String> env = CliEndToEndTest.env(pg); // no PGKEEP_PASSPHRASE
        CliRun backup =
                CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo, "--encrypt-to", pub.toString());
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        String target = PostgresServer.uniqueDatabaseName("cli_nopass");
        try {
            CliRun restore = CliRun.run(
                    env,
                    "restore",
                    "--repo",
                    repo,
                    "--latest",
                    "--db",
                    pg.url(target),
                    "--create",
                    "--decrypt-key",
                    sec.toString());
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
        Path protectedPub = dir.resolve("protected.pub.asc");
        Path protectedSec = dir.resolve("protected.sec.asc");
        generateKey(dir.resolve("gnupg-protected"), protectedPub, protectedSec);
        CliRun verify = CliRun.run(env, "verify", "--repo", repo, "--latest", "--decrypt-key", protectedSec.toString());
        assertThat(verify.exitCode()).as(verify::toString).isEqualTo(2);
        assertThat(verify.err())
                .contains("is protected by a passphrase, and none was given")
                .contains("--passphrase-env VAR (default PGKEEP_PASSPHRASE)");
    }

    @Test
    void plainBackupRoundTripThroughS3(PostgresServer pg) {
        String repo = repo("plain");
        Map<String, String> env = CliEndToEndTest.env(pg);
        CliRun backup = CliRun.run(env, "backup", "--db", pg.url(source), "--repo", repo);
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        String target = PostgresServer.uniqueDatabaseName("cli_s3_plain");
        try {
            CliRun restore = CliRun.run(
                    env, "restore", "--repo", repo, "--latest", "--db", pg.url(target), "--create", "--jobs", "2");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }
        CliRun prune = CliRun.run(env, "prune", "--repo", repo, "--keep-days", "0", "--json");
        assertThat(prune.exitCode()).isZero();
        assertThat(prune.out()).contains("\"deleted\":[]"); // keep-min 1 keeps the only backup
    }

    @Test
    void copiesGoFromALocalRepositoryToS3AndBackAndRestoreFromTheCopy(PostgresServer pg, @TempDir Path dir) {
        Map<String, String> env = CliEndToEndTest.env(pg);
        String local = dir.resolve("primary").toString();
        String offsite = repo("copies");
        // a backup copied as it is committed; an unreachable second target is reported, the backup still succeeds
        String unreachable = "s3://backups/x?endpoint=http://127.0.0.1:9&region=" + S3TestServer.REGION
                + "&path-style=true&max-attempts=1";
        CliRun backup = CliRun.run(
                env,
                "backup",
                "--db",
                pg.url(source),
                "--repo",
                local,
                "--copy-to",
                offsite,
                "--copy-to",
                unreachable,
                "--json");
        assertThat(backup.exitCode()).as(backup::toString).isZero();
        assertThat(backup.out())
                .contains("\"copies\":[{")
                .contains("\"ok\":true")
                .contains("\"ok\":false");
        assertThat(backup.err()).contains("copying it to").contains("failed");
        CliRun second = CliRun.run(env, "backup", "--db", pg.url(source), "--repo", local, "--json");
        assertThat(second.exitCode()).as(second::toString).isZero();

        // copy --all sends only what the target lacks, and a second run sends nothing
        CliRun all = CliRun.run(env, "copy", "--from", local, "--to", offsite, "--all", "--json");
        assertThat(all.exitCode()).as(all::toString).isZero();
        assertThat(all.out()).containsPattern("\"copied\":\\[\"[^\"]+\"\\]").contains("\"complete\":true");
        CliRun again = CliRun.run(env, "copy", "--from", local, "--to", offsite, "--all", "--json");
        assertThat(again.out()).contains("\"copied\":[]").contains("\"bytesCopied\":0");
        assertThat(CliRun.run(env, "list", "--repo", offsite, "--json").out())
                .isEqualTo(CliRun.run(env, "list", "--repo", local, "--json").out());

        // and back: the S3 copy restores into a new database identical to the source
        String back = dir.resolve("back").toString();
        CliRun home = CliRun.run(env, "copy", "--from", offsite, "--to", back, "--latest");
        assertThat(home.exitCode()).as(home::toString).isZero();
        assertThat(home.out()).contains("1 copied");
        String target = PostgresServer.uniqueDatabaseName("cli_copy");
        try {
            CliRun restore = CliRun.run(env, "restore", "--repo", back, "--latest", "--db", pg.url(target), "--create");
            assertThat(restore.exitCode()).as(restore::toString).isZero();
            assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        } finally {
            pg.dropDatabase(target);
        }

        CliRun usage = CliRun.run(env, "copy", "--from", local, "--to", offsite);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("--backup").contains("--latest").contains("--all");
    }

    static boolean gpgAvailable() {
        try {
            return new ProcessBuilder("gpg", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Makes a key with the real gpg (passphrase on stdin, never argv) and exports it armored. */
    static void generateKey(Path home, Path pub, Path sec) throws Exception {
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        gpg(
                home,
                PASSPHRASE,
                "--passphrase-fd",
                "0",
                "--pinentry-mode",
                "loopback",
                "--quick-gen-key",
                "pgkeep test <test@pgkeep.dev>",
                "rsa3072",
                "sign,encrypt",
                "never");
        Files.write(pub, gpg(home, "", "--armor", "--export", "test@pgkeep.dev"));
        Files.write(
                sec,
                gpg(
                        home,
                        PASSPHRASE,
                        "--passphrase-fd",
                        "0",
                        "--pinentry-mode",
                        "loopback",
                        "--armor",
                        "--export-secret-keys",
                        "test@pgkeep.dev"));
    }

    private static byte[] gpg(Path home, String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("gpg", "--batch", "--homedir", home.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("gpg " + String.join(" ", args)).isZero();
        return out;
    }
}
