package dev.pgkeep.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.host.AdminClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Every admin endpoint × every kind of caller, over real HTTP in a real host of one kind (a subclass per kind, one
 * context each): anonymous callers get 401, authenticated callers without the authority 403, and neither changes
 * anything (no operation starts, no backup goes); callers with {@code ROLE_ADMIN}, or with {@code ROLE_OWNER}, which
 * the host's role hierarchy makes imply it, reach the endpoint. docs/reliability.md's authorization matrix.
 */
abstract class AuthorizationMatrix {
    enum Endpoint {
        LIST,
        GET,
        BACKUP,
        VERIFY,
        RESTORE_BY_ID,
        UPLOAD_RESTORE,
        DELETE,
        JOB
    }

    enum Caller {
        ANONYMOUS(null, 401),
        WITHOUT_AUTHORITY(AdminClient.token("bob", "USER"), 403),
        ADMIN(AdminClient.token("alice", "ADMIN"), 0),
        ADMIN_THROUGH_HIERARCHY(AdminClient.token("olga", "OWNER"), 0);

        final @Nullable String token;
        final int refusedWith;

        Caller(@Nullable String token, int refusedWith) {
            this.token = token;
            this.refusedWith = refusedWith;
        }
    }

    static final String ADMIN = Caller.ADMIN.token;

    /** The database and repository of one host kind. */
    static final class Fixture {
        final String database = TestDatabases.createSample("starter_matrix");
        final Path repo = tempDir();

        @Nullable
        String backupId;

        @Nullable
        String jobLocation;

        @Nullable
        String victimId;
    }

    static void register(DynamicPropertyRegistry registry, Fixture fixture, String basePath) {
        TestDatabases.register(registry, fixture.database);
        registry.add("pgkeep.repository", fixture.repo::toString);
        registry.add("pgkeep.schedule.enabled", () -> "false");
        registry.add("pgkeep.restore.safety-backup", () -> "false");
        registry.add("pgkeep.admin.base-path", () -> basePath);
    }

    @LocalServerPort
    int port;

    @Autowired
    Hosts.RecordingSink audit;

    abstract Fixture fixture();

    abstract String base();

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            for (Caller c : Caller.values()) {
                all.add(Arguments.of(e, c));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("cases")
    void endpointByCaller(Endpoint endpoint, Caller caller) throws IOException {
        AdminClient client = new AdminClient(port);
        Fixture f = fixture();
        if (f.backupId == null) {
            AdminClient.Answer started = client.postJson(base() + "/backup", ADMIN, "{}");
            f.jobLocation = started.location();
            f.backupId = client.awaitJob(f.jobLocation, ADMIN)
                    .path("result")
                    .path("id")
                    .asText();
        }
        if (endpoint == Endpoint.DELETE && f.victimId == null) {
            f.victimId = client.awaitJob(
                            client.postJson(base() + "/backup", ADMIN, "{\"label\":\"victim\"}")
                                    .location(),
                            ADMIN)
                    .path("result")
                    .path("id")
                    .asText();
        }
        List<String> backupsBefore = ids(client);
        int eventsBefore = audit.events.size();

        AdminClient.Answer answer = call(client, endpoint, caller.token, f);

        if (caller.refusedWith != 0) {
            assertThat(answer.status()).as(endpoint + " by " + caller).isEqualTo(caller.refusedWith);
            assertThat(audit.events).hasSize(eventsBefore);
            assertThat(ids(client)).isEqualTo(backupsBefore);
            return;
        }
        int expected = switch (endpoint) {
            case LIST, GET, JOB -> 200;
            case BACKUP, VERIFY, RESTORE_BY_ID, UPLOAD_RESTORE -> 202;
            case DELETE -> 204;
        };
        assertThat(answer.status())
                .as(endpoint + " by " + caller + ": " + answer.json())
                .isEqualTo(expected);
        if (expected == 202) {
            JsonNode job = client.awaitJob(answer.location(), ADMIN);
            assertThat(job.path("status").asText()).isIn("succeeded", "failed");
        }
        if (endpoint == Endpoint.DELETE) {
            assertThat(ids(client)).doesNotContain(f.victimId);
            f.victimId = null;
        }
        if (endpoint == Endpoint.LIST) {
            assertThat(answer.json().findValuesAsText("id")).contains(f.backupId);
        }
    }

    private AdminClient.Answer call(AdminClient client, Endpoint endpoint, @Nullable String token, Fixture f)
            throws IOException {
        String b = base();
        return switch (endpoint) {
            case LIST -> client.get(b + "/backups", token);
            case GET -> client.get(b + "/backups/" + f.backupId, token);
            case BACKUP -> client.send("POST", b + "/backup", token, Map.of(), null, new byte[0]);
            case VERIFY ->
                client.send("POST", b + "/backups/" + f.backupId + "/verify", token, Map.of(), null, new byte[0]);
            case RESTORE_BY_ID -> client.postJson(b + "/restore", token, "{\"backupId\":\"" + f.backupId + "\"}");
            case UPLOAD_RESTORE -> client.postMultipart(b + "/restore", token, archive(f), Map.of());
            case DELETE -> client.delete(b + "/backups/" + f.victimId, token);
            case JOB -> client.get(f.jobLocation, token);
        };
    }

    private List<String> ids(AdminClient client) {
        return client.get(base() + "/backups", ADMIN).json().findValuesAsText("id");
    }

    private static byte[] archive(Fixture f) throws IOException {
        try (Stream<Path> files = Files.list(f.repo.resolve(f.database).resolve(f.backupId))) {
            return Files.readAllBytes(
                    files.filter(p -> p.getFileName().toString().startsWith("dump."))
                            .findFirst()
                            .orElseThrow());
        }
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("pgkeep-matrix");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
