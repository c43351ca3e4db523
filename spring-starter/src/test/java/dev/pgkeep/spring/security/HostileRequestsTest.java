package dev.pgkeep.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.host.AdminClient;
import dev.pgkeep.testsupport.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bad-input table of docs/reliability.md for the admin API, in a permit-all host over real HTTP (raw sockets where
 * a request must stay half-sent): cross-site requests, hostile uploads, restore targets, path tricks, concurrent
 * conflicting requests. Each refusal changes nothing.
 */
@SpringBootTest(classes = Hosts.PermitAll.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestsTest {
    static final PostgresServer pg = TestDatabases.server();
    static final String database = TestDatabases.createSample("starter_hostile");
    static final Path repo = AuthorizationMatrix.tempDir();
    static final Path uploads = AuthorizationMatrix.tempDir();
    static final Path spool = AuthorizationMatrix.tempDir();
    static final String ADMIN = AdminClient.token("alice", "ADMIN");
    static final String USER = AdminClient.token("bob", "USER");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, database);
        registry.add("pgkeep.repository", repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("pgkeep.restore.safety-backup", () -> "false");
        registry.add("pgkeep.restore.temp-dir", uploads::toString);
        registry.add("pgkeep.restore.allowed-targets", () -> "scratch_*,template1,postgres");
        registry.add("pgkeep.admin.allowed-origins", () -> "https://admin.example.com");
        // larger than any disk here, so the free-space check is what refuses a huge declared upload
        registry.add("pgkeep.admin.max-upload-size", () -> "10000TB");
        registry.add("spring.servlet.multipart.location", spool::toString);
        registry.add("spring.servlet.multipart.max-file-size", () -> "10MB");
        registry.add("spring.servlet.multipart.max-request-size", () -> "10MB");
    }

    @LocalServerPort
    int port;

    @Autowired
    Hosts.RecordingSink audit;

    AdminClient client;

    @BeforeEach
    void client() {
        client = new AdminClient(port);
    }

    @Test
    void crossSiteStateChangingRequestsAre403AndSameOriginOrAllowedOnesRun() throws IOException {
        String backupId = backup();
        int events = audit.events.size();
        byte[] none = new byte[0];
        Map<String, String> crossSite = Map.of("Sec-Fetch-Site", "cross-site");
        Map<String, String> evil = Map.of("Origin", "https://evil.example");
        Map.Entry<String, byte[]> upload = AdminClient.multipart(archive(backupId), Map.of("force", "true"));

        for (AdminClient.Answer refused : List.of(
                client.send("POST", "/admin/db/backup", ADMIN, crossSite, null, none),
                client.send("POST", "/admin/db/backup", ADMIN, evil, null, none),
                client.send("POST", "/admin/db/backups/" + backupId + "/verify", ADMIN, evil, null, none),
                client.send("POST", "/admin/db/restore", ADMIN, crossSite, upload.getKey(), upload.getValue()),
                client.send(
                        "POST",
                        "/admin/db/restore",
                        ADMIN,
                        Map.of("Origin", "null"),
                        upload.getKey(),
                        upload.getValue()),
                client.send("DELETE", "/admin/db/backups/" + backupId, ADMIN, evil, null, none))) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:cross-site");
            assertThat(refused.json().path("detail").asText()).contains("pgkeep.admin.allowed-origins");
        }
        assertThat(audit.events).hasSize(events);
        assertThat(client.get("/admin/db/backups/" + backupId, ADMIN).status()).isEqualTo(200);

        // reading is not state-changing (and the browser's CORS rules keep the answer from the other site)
        assertThat(client.send("GET", "/admin/db/backups", ADMIN, crossSite, null, none)
                        .status())
                .isEqualTo(200);
        Map<String, String> sameOrigin = Map.of("Origin", "http://localhost:" + port, "Sec-Fetch-Site", "same-origin");
        Map<String, String> allowed = Map.of("Origin", "https://admin.example.com", "Sec-Fetch-Site", "cross-site");
        for (Map<String, String> headers : List.of(sameOrigin, allowed)) {
            AdminClient.Answer ok = client.send("POST", "/admin/db/backup", ADMIN, headers, null, none);
            assertThat(ok.status()).as(headers.toString()).isEqualTo(202);
            assertThat(client.awaitJob(ok.location(), ADMIN).path("status").asText())
                    .isEqualTo("succeeded");
        }
    }

    @Test
    void aForwardFromTheHostsOwnCodeToTheAdminEndpointsIsCheckedToo() {
        AdminClient.Answer anonymous = client.get("/host/forward-to-backups", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(client.get("/host/forward-to-backups", USER).status()).isEqualTo(403);
        assertThat(client.get("/host/forward-to-backups", ADMIN).status()).isEqualTo(200);
    }

    @Test
    void anUploadIsRefusedBeforeItsBodyIsReadOrSpooled() throws IOException {
        for (String token : new String[] {null, USER}) {
            try (Socket socket = halfSentUpload("multipart/form-data; boundary=xyz", 8 * 1024 * 1024, token)) {
                String status = statusLine(socket);
                // answered while the body is still being sent: nothing was parsed, spooled or staged
                assertThat(status).contains(token == null ? " 401" : " 403");
                assertThat(files(spool)).isEmpty();
                assertThat(files(uploads)).isEmpty();
            }
        }
    }

    @Test
    void aSecondUploadWhileOneIsReceivedIs429AndThePermitReturnsWhenTheFirstEnds() throws IOException {
        try (Socket first = halfSentUpload("application/octet-stream", 4 * 1024 * 1024, ADMIN)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !files(uploads).isEmpty());
            AdminClient.Answer second = client.postRaw("/admin/db/restore?force=true", ADMIN, "PGDMP-x".getBytes());
            assertThat(second.status()).isEqualTo(429);
            assertThat(second.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:uploads-busy");
            assertThat(second.json().path("detail").asText()).contains("pgkeep.admin.max-concurrent-uploads");
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> files(uploads).isEmpty());
        AdminClient.Answer third = client.postRaw("/admin/db/restore?force=true", ADMIN, "not an archive".getBytes());
        assertThat(third.status()).isEqualTo(415);
    }

    @Test
    void anUploadLargerThanTheTempFoldersFreeSpaceIs507BeforeItsBody() throws IOException {
        try (Socket socket = halfSentUpload("application/octet-stream", 1L << 50, ADMIN)) {
            assertThat(statusLine(socket)).contains(" 507");
        }
        assertThat(files(uploads)).isEmpty();
    }

    @Test
    void restoresGoOnlyToConfiguredOrAllowedDatabasesAndNeverToPostgresOwnOrTemplates() throws IOException {
        String backupId = backup();
        String otherApp = PostgresServer.uniqueDatabaseName("other_app");
        String scratch = PostgresServer.uniqueDatabaseName("scratch");
        String template = PostgresServer.uniqueDatabaseName("scratch_tpl");
        for (String db : List.of(otherApp, scratch, template)) {
            pg.createDatabase(db);
        }
        pg.psql("postgres", "ALTER DATABASE " + template + " IS_TEMPLATE true");
        int events = audit.events.size();

        AdminClient.Answer unconfigured = restore(backupId, otherApp);
        assertThat(unconfigured.status()).isEqualTo(409);
        assertThat(unconfigured.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:safety-guard");
        assertThat(unconfigured.json().path("detail").asText())
                .contains("not a restore target")
                .contains("pgkeep.restore.allowed-targets");
        AdminClient.Answer uploaded = client.postRaw(
                "/admin/db/restore?targetDatabase=" + otherApp, ADMIN, "PGDMP".getBytes(StandardCharsets.US_ASCII));
        assertThat(uploaded.status()).isEqualTo(409);
        assertThat(audit.events).hasSize(events);
        assertThat(files(uploads)).isEmpty();

        // allowed by the pattern, refused by core for every front end
        for (String own : List.of("template1", "postgres")) {
            JsonNode job = client.awaitJob(restore(backupId, own).location(), ADMIN);
            assertThat(job.path("error").path("status").asInt()).isEqualTo(409);
            assertThat(job.path("error").path("detail").asText()).contains("'" + own + "' is PostgreSQL's");
        }
        JsonNode templateJob = client.awaitJob(restore(backupId, template).location(), ADMIN);
        assertThat(templateJob.path("error").path("detail").asText()).contains("template database");
        assertThat(userTables(template)).isZero();
        assertThat(userTables("template1")).isZero();

        JsonNode allowed = client.awaitJob(restore(backupId, scratch).location(), ADMIN);
        assertThat(allowed.path("status").asText()).as(allowed.toString()).isEqualTo("succeeded");
        assertThat(userTables(scratch)).isPositive();
        assertThat(userTables(otherApp)).isZero();
    }

    @Test
    void twoRestoresOfOneTargetAtOnceOneIs409() throws IOException {
        String backupId = backup();
        audit.release = new CountDownLatch(1);
        String holder = AdminClient.token("holder", "ADMIN");
        String body = "{\"backupId\":\"" + backupId + "\",\"force\":true}";
        AdminClient.Answer first = client.postJson("/admin/db/restore", holder, body);
        assertThat(first.status()).isEqualTo(202);
        try {
            AdminClient.Answer second = client.postJson("/admin/db/restore", ADMIN, body);
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().path("runningJobId").asText())
                    .isEqualTo(first.json().path("id").asText());
            // an upload for the same target is refused before it is received
            AdminClient.Answer upload = client.postRaw("/admin/db/restore?force=true", ADMIN, archive(backupId));
            assertThat(upload.status()).isEqualTo(409);
            assertThat(upload.json().path("runningJobId").asText())
                    .isEqualTo(first.json().path("id").asText());
            assertThat(files(uploads)).isEmpty();
        } finally {
            audit.release.countDown();
        }
        assertThat(client.awaitJob(first.location(), holder).path("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void pathTricksUnicodeAndOverlongIdsAndDatabaseNamesAreClearRefusals() {
        String backupId = backup();
        List<String> before = ids();
        int events = audit.events.size();
        String overlong = "x".repeat(3000);
        for (String id : List.of(
                "..%2F..%2Fetc",
                "..", "%2e%2e%2f" + backupId, backupId + "%00", "%C3%A9t%C3%A9-%F0%9F%92%A5", overlong)) {
            for (AdminClient.Answer a : List.of(
                    client.get("/admin/db/backups/" + id, ADMIN),
                    client.delete("/admin/db/backups/" + id, ADMIN),
                    client.postJson("/admin/db/backups/" + id + "/verify", ADMIN, "{}"))) {
                assertThat(a.status()).as(id).isBetween(400, 404);
            }
        }
        for (String name : List.of("..%2F..%2Fetc", "%00", "%C3%A9t%C3%A9", overlong)) {
            AdminClient.Answer list = client.get("/admin/db/backups?database=" + name, ADMIN);
            assertThat(list.status()).as(name).isIn(200, 400);
            if (list.status() == 200) {
                assertThat(list.json().size()).as(name).isZero();
            }
        }
        for (String name : List.of("../../etc", "\\u0000", "caf\\u00e9", overlong)) {
            AdminClient.Answer backup = client.postJson("/admin/db/backup", ADMIN, "{\"database\":\"" + name + "\"}");
            assertThat(backup.status()).as(name).isEqualTo(400);
            assertThat(backup.json().path("type").asText()).isEqualTo("urn:pgkeep:problem:bad-input");
            AdminClient.Answer restore = restore(backupId, name);
            assertThat(restore.status()).as(name).isIn(400, 409);
        }
        assertThat(ids()).isEqualTo(before);
        assertThat(audit.events).hasSize(events);
    }

    private AdminClient.Answer restore(String backupId, String target) {
        return client.postJson(
                "/admin/db/restore",
                ADMIN,
                "{\"backupId\":\"" + backupId + "\",\"targetDatabase\":\"" + target + "\"}");
    }

    private String backup() {
        JsonNode job =
                client.awaitJob(client.postJson("/admin/db/backup", ADMIN, "{}").location(), ADMIN);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        return job.path("result").path("id").asText();
    }

    private List<String> ids() {
        return client.get("/admin/db/backups", ADMIN).json().findValuesAsText("id");
    }

    private static int userTables(String db) {
        return Integer.parseInt(pg.psql(
                        db,
                        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind"
                                + " IN ('r','p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')")
                .strip());
    }

    /** Sends an upload's headers and its first 64 KiB of a {@code declared}-byte body, then waits with the rest. */
    private Socket halfSentUpload(String contentType, long declared, String token) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        StringBuilder head = new StringBuilder("POST /admin/db/restore?force=true HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + declared + "\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        String part = contentType.startsWith("multipart/")
                ? "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dump\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n"
                : "";
        out.write((part + "PGDMP").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[64 * 1024]);
        out.flush();
        return socket;
    }

    private static String statusLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] archive(String backupId) throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve(database).resolve(backupId))) {
            return Files.readAllBytes(
                    files.filter(p -> p.getFileName().toString().startsWith("dump."))
                            .findFirst()
                            .orElseThrow());
        }
    }
}
