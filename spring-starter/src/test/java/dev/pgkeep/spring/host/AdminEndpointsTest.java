package dev.pgkeep.spring.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The admin endpoints end to end: real HTTP, real JWTs, real PostgreSQL and pg_dump. On the single-instance job engine
 * (its database fingerprints would otherwise see the shared engine's job table change); {@code cluster.TwoInstancesTest}
 * covers the shared one.
 */
@SpringBootTest(classes = TestHostApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminEndpointsTest {
    static final PostgresServer pg = TestDatabases.server();
    static final String database = TestDatabases.createSample("starter_http");
    static final Path repo = tempDir("pgkeep-http-repo");
    static final Path uploads = tempDir("pgkeep-http-uploads");
    static final String ADMIN = AdminClient.token("alice", "ADMIN");
    static final String USER = AdminClient.token("bob", "USER");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.restore.temp-dir", uploads::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("pgkeep.jobs.engine", () -> "memory");
        registry.add("pgkeep.admin.max-upload-size", () -> "2MB");
        registry.add("pgkeep.restore.max-decoded-size", () -> "16MB");
        registry.add("pgkeep.restore.allowed-targets", () -> "starter_upload*");
        registry.add("spring.servlet.multipart.max-file-size", () -> "10MB");
        registry.add("spring.servlet.multipart.max-request-size", () -> "10MB");
    }

    @LocalServerPort
    int port;

    @Autowired
    TestHostApplication.RecordingAuditSink audit;

    AdminClient client;

    @BeforeEach
    void client() {
        client = new AdminClient(port);
    }

    @Test
    void withoutCredentials401AndWithoutTheAuthority403AsProblemDetails() {
        AdminClient.Answer anonymous = client.get("/admin/db/backups", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:unauthenticated");

        int before = client.get("/admin/db/backups", ADMIN).json().size();
        AdminClient.Answer user = client.postJson("/admin/db/backup", USER, "{}");
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.json().path("detail").asText()).contains("ROLE_ADMIN").contains("bob");
        assertThat(client.get("/admin/db/jobs/x", USER).status()).isEqualTo(403);
        assertThat(client.postJson("/admin/db/backup", "not.a.jwt", "{}").status())
                .isEqualTo(401);
        assertThat(client.get("/admin/db/backups", ADMIN).json().size()).isEqualTo(before);
    }

    @Test
    void thePgkeepActuatorEndpointIsNotExposedUnlessTheHostIncludesIt() {
        // this host leaves management.endpoints.web.exposure.include at Boot's default (health)
        assertThat(client.get("/actuator/pgkeep", ADMIN).status()).isEqualTo(404);
        assertThat(client.postJson("/actuator/pgkeep", ADMIN, "{}").status()).isIn(404, 405);
    }

    @Test
    void backupRunsAsAJobThatIsPolledToSuccessAndListed() {
        AdminClient.Answer started = client.postJson("/admin/db/backup", ADMIN, "{\"label\":\"from-api\"}");
        assertThat(started.status()).isEqualTo(202);
        String jobId = started.json().path("id").asText();
        assertThat(started.location()).isEqualTo("http://localhost:" + port + "/admin/db/jobs/" + jobId);
        assertThat(started.json().path("status").asText()).isIn("queued", "running", "succeeded");

        JsonNode job = client.awaitJob(started.location(), ADMIN);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        String backupId = job.path("result").path("id").asText();
        assertThat(job.path("result").path("label").asText()).isEqualTo("from-api");
        // the dump's last progress report: every byte pg_dump wrote was read
        JsonNode progress = job.path("progress");
        assertThat(progress.path("phase").asText()).as(job.toString()).isEqualTo("dumping");
        assertThat(progress.path("phaseDone").asBoolean()).isTrue();
        assertThat(progress.path("bytesDone").asLong())
                .isEqualTo(job.path("result").path("dumpBytes").asLong());

        JsonNode list = client.get("/admin/db/backups", ADMIN).json();
        assertThat(list.findValuesAsText("id")).contains(backupId);
        AdminClient.Answer one = client.get("/admin/db/backups/" + backupId, ADMIN);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().path("database").asText()).isEqualTo(database);
        assertThat(one.json().path("trigger").asText()).isEqualTo("api");
        assertThat(one.json().path("sha256").asText()).hasSize(64);
        assertThat(one.json().path("startedAt").asText()).endsWith("Z");

        assertThat(audit.events)
                .filteredOn(e -> backupId.equals(e.backupId()) && e.phase() == BackupEvent.Phase.SUCCEEDED)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("alice");
                    assertThat(e.clientAddress()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
                });

        AdminClient.Answer verify = client.postJson("/admin/db/backups/" + backupId + "/verify", ADMIN, "{}");
        assertThat(verify.status()).isEqualTo(202);
        JsonNode verified = client.awaitJob(verify.location(), ADMIN);
        assertThat(verified.path("status").asText()).as(verified.toString()).isEqualTo("succeeded");
        assertThat(verified.path("result").path("archiveEntries").asInt()).isPositive();
        assertThat(verified.path("progress").path("bytesDone").asLong()).isPositive();

        assertThat(client.delete("/admin/db/backups/" + backupId, ADMIN).status())
                .isEqualTo(204);
        assertThat(client.get("/admin/db/backups/" + backupId, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void unknownOrMalformedIdsAreClearProblems() {
        AdminClient.Answer unknown = client.get("/admin/db/backups/20200101T000000Z-abcd", ADMIN);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.json().path("detail").asText()).contains("20200101T000000Z-abcd");

        AdminClient.Answer malformed = client.get("/admin/db/backups/..%2F..%2Fetc", ADMIN);
        assertThat(malformed.status()).isBetween(400, 404);

        AdminClient.Answer bad = client.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"nope\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:bad-input");

        AdminClient.Answer job = client.get("/admin/db/jobs/3b0b0c3e-0000-0000-0000-000000000000", ADMIN);
        assertThat(job.status()).isEqualTo(404);

        AdminClient.Answer notJson = client.postJson("/admin/db/restore", ADMIN, "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aSecondBackupOfTheSameDatabaseIsRefusedWith409WhileTheFirstRuns() {
        audit.release = new CountDownLatch(1);
        String holder = AdminClient.token("holder", "ADMIN");
        AdminClient.Answer first = client.postJson("/admin/db/backup", holder, "{}");
        assertThat(first.status()).isEqualTo(202);
        try {
            AdminClient.Answer second = client.postJson("/admin/db/backup", ADMIN, "{}");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.contentType()).startsWith("application/problem+json");
            assertThat(second.json().path("runningJobId").asText())
                    .isEqualTo(first.json().path("id").asText());
        } finally {
            audit.release.countDown();
        }
        assertThat(client.awaitJob(first.location(), holder).path("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void restoreByIdNeedsForceOverAFullDatabaseThenRestoresIt() {
        DatabaseFingerprint original = DatabaseFingerprint.of(pg, database);
        String backupId = backup();
        pg.psql(database, "DELETE FROM audit.item_events WHERE id % 2 = 0");
        DatabaseFingerprint changed = DatabaseFingerprint.of(pg, database);
        assertThat(changed.diff(original)).isNotEmpty();

        JsonNode refused = client.awaitJob(
                client.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"" + backupId + "\"}")
                        .location(),
                ADMIN);
        assertThat(refused.path("status").asText()).isEqualTo("failed");
        assertThat(refused.path("error").path("status").asInt()).isEqualTo(409);
        assertThat(refused.path("error").path("detail").asText()).containsIgnoringCase("force");
        assertThat(DatabaseFingerprint.of(pg, database).diff(changed)).isEmpty();

        AdminClient.Answer forced =
                client.postJson("/admin/db/restore", ADMIN, "{\"backupId\":\"" + backupId + "\",\"force\":true}");
        assertThat(forced.status()).isEqualTo(202);
        JsonNode done = client.awaitJob(forced.location(), ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("result").path("backupId").asText()).isEqualTo(backupId);
        assertThat(done.path("result").path("safetyBackupId").asText()).isNotBlank();
        assertThat(DatabaseFingerprint.of(pg, database).diff(original)).isEmpty();
    }

    @Test
    void oneTableOfABackupIntoANewDatabaseOverTheApi() {
        String backupId = backup();
        String target = PostgresServer.uniqueDatabaseName("starter_upload_table");
        try {
            AdminClient.Answer started = client.postJson(
                    "/admin/db/restore",
                    ADMIN,
                    "{\"backupId\":\"" + backupId + "\",\"targetDatabase\":\"" + target
                            + "\",\"create\":true,\"tables\":[\"inventory.items\"]}");
            assertThat(started.status()).as(String.valueOf(started.json())).isEqualTo(202);
            JsonNode done = client.awaitJob(started.location(), ADMIN);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.path("result").path("leftOut").isArray()).isTrue();
            assertThat(pg.psql(target, "select count(*) from inventory.items").strip())
                    .isEqualTo(pg.psql(database, "select count(*) from inventory.items")
                            .strip());
            assertThat(pg.psql(
                                    target,
                                    "select count(*) from pg_tables where schemaname not in"
                                            + " ('pg_catalog', 'information_schema')")
                            .strip())
                    .isEqualTo("1");
        } finally {
            pg.dropDatabase(target);
        }
    }

    @Test
    void uploadRestoreOfAValidArchiveIntoANewDatabase() throws IOException {
        DatabaseFingerprint original = DatabaseFingerprint.of(pg, database);
        byte[] archive = storedArchive(backup());
        String target = PostgresServer.uniqueDatabaseName("starter_upload");

        AdminClient.Answer started = client.postMultipart(
                "/admin/db/restore", ADMIN, archive, Map.of("targetDatabase", target, "create", "true"));
        assertThat(started.status()).as(String.valueOf(started.json())).isEqualTo(202);
        JsonNode done = client.awaitJob(started.location(), ADMIN);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(DatabaseFingerprint.of(pg, target).diff(original)).isEmpty();
        assertThat(leftoverUploads()).isZero();
    }

    @Test
    void uploadsWithWrongMagicBytesOrTooLargeAreRefusedAndChangeNothing() throws IOException {
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, database);
        byte[] sql = "CREATE TABLE evil(x int);".getBytes();
        AdminClient.Answer wrong = client.postMultipart(
                "/admin/db/restore", ADMIN, sql, Map.of("targetDatabase", database, "force", "true"));
        assertThat(wrong.status()).isEqualTo(415);
        assertThat(wrong.json().path("detail").asText()).contains("pg_dump custom-format");

        byte[] big = new byte[3 * 1024 * 1024];
        big[0] = 'P';
        big[1] = 'G';
        big[2] = 'D';
        big[3] = 'M';
        big[4] = 'P';
        AdminClient.Answer tooLarge = client.postMultipart(
                "/admin/db/restore", ADMIN, big, Map.of("targetDatabase", database, "force", "true"));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("detail").asText()).contains("pgkeep.admin.max-upload-size");
        AdminClient.Answer tooLargeRaw =
                client.postRaw("/admin/db/restore?targetDatabase=" + database + "&force=true", ADMIN, big);
        assertThat(tooLargeRaw.status()).isEqualTo(413);
        AdminClient.Answer tooLargeChunked =
                client.postRawChunked("/admin/db/restore?targetDatabase=" + database + "&force=true", ADMIN, big);
        assertThat(tooLargeChunked.status()).isEqualTo(413);
        assertThat(tooLargeChunked.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:upload-too-large");

        assertThat(DatabaseFingerprint.of(pg, database).diff(before)).isEmpty();
        assertThat(leftoverUploads()).isZero();
    }

    @Test
    void aCorruptArchiveFailsItsJobWith422AndLeavesTheDatabaseUnchanged() throws IOException {
        byte[] archive = storedArchive(backup());
        for (int i = archive.length / 3; i < archive.length / 3 + 64 && i < archive.length; i++) {
            archive[i] ^= (byte) 0x5a;
        }
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, database);
        AdminClient.Answer started =
                client.postRaw("/admin/db/restore?targetDatabase=" + database + "&force=true", ADMIN, archive);
        assertThat(started.status()).isEqualTo(202);
        JsonNode failed = client.awaitJob(started.location(), ADMIN);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("status").asInt()).isEqualTo(422);
        assertThat(DatabaseFingerprint.of(pg, database).diff(before)).isEmpty();
        assertThat(leftoverUploads()).isZero();
    }

    @Test
    void aDecompressionBombIsStoppedAtTheDecodedSizeBound() throws IOException {
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bomb)) {
            gzip.write("PGDMP".getBytes());
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 64; i++) {
                gzip.write(zeros);
            }
        }
        assertThat(bomb.size()).isLessThan(1024 * 1024);
        DatabaseFingerprint before = DatabaseFingerprint.of(pg, database);
        AdminClient.Answer started = client.postRaw(
                "/admin/db/restore?targetDatabase=" + database + "&force=true", ADMIN, bomb.toByteArray());
        assertThat(started.status()).isEqualTo(202);
        JsonNode failed = client.awaitJob(started.location(), ADMIN);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("status").asInt())
                .as(failed.toString())
                .isBetween(400, 499);
        assertThat(DatabaseFingerprint.of(pg, database).diff(before)).isEmpty();
        assertThat(leftoverUploads()).isZero();
    }

    private String backup() {
        AdminClient.Answer started = client.postJson("/admin/db/backup", ADMIN, "{}");
        assertThat(started.status()).isEqualTo(202);
        JsonNode job = client.awaitJob(started.location(), ADMIN);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        return job.path("result").path("id").asText();
    }

    private static byte[] storedArchive(String backupId) {
        return TestDatabases.storedArchive(repo, database, backupId);
    }

    private static long leftoverUploads() throws IOException {
        try (Stream<Path> files = Files.list(uploads)) {
            return files.filter(p -> p.getFileName().toString().startsWith("pgkeep-upload-"))
                    .count();
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
