package dev.pgkeep.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgkeep.core.audit.RecordingLogger;
import dev.pgkeep.core.audit.TestEvents;
import dev.pgkeep.core.spi.BackupEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Runs the notifier against a real HTTP server on loopback that answers as scripted. */
class WebhookNotifierTest {
    private static final String TOKEN_PATH = "/services/T0001/B0002/XyZsEcReTtOkEn";
    /** A scripted status that makes the server hold the request until the test ends. */
    private static final int HANG = -1;

    private final ObjectMapper json = new ObjectMapper();
    private final RecordingLogger log = new RecordingLogger(Level.WARN);
    private final BlockingQueue<Integer> script = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CountDownLatch releaseHangingRequests = new CountDownLatch(1);
    private final List<WebhookNotifier> notifiers = new ArrayList<>();
    private ExecutorService serverThreads;
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext(TOKEN_PATH, this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        releaseHangingRequests.countDown();
        notifiers.forEach(WebhookNotifier::close);
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            received.add(exchange.getRequestMethod() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + "\n" + body);
            Integer status = script.poll();
            if (status != null && status == HANG) {
                releaseHangingRequests.await(30, TimeUnit.SECONDS);
                return;
            }
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private WebhookNotifierBuilder notifier() {
        return WebhookNotifier.builder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + TOKEN_PATH))
                .logger(log)
                .timeout(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(20));
    }

    private WebhookNotifier track(WebhookNotifier notifier) {
        notifiers.add(notifier);
        return notifier;
    }

    /** The body of the next request the server receives; fails the test after 10 s. */
    private String nextBody() throws InterruptedException {
        String request = received.poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the webhook").isNotNull();
        assertThat(request).startsWith("POST application/json");
        return request.substring(request.indexOf('\n') + 1);
    }

    private String loggedWarning() {
        assertThat(log.entries()).as("logged once").hasSize(1);
        return log.messages(Level.WARN).get(0);
    }

    @Test
    void postsAFailedBackupInSlacksShape() throws Exception {
        WebhookNotifier notifier = track(notifier().build());
        notifier.onEvent(TestEvents.backupFailed(
                "shop",
                "pg_dump: error: query failed\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9"));

        JsonNode message = json.readTree(nextBody());
        assertThat(message.get("text").asText()).isEqualTo("pgkeep: backup of shop failed");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.isArray()).isTrue();
        assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(0).get("text").get("text").asText())
                .contains(":x:")
                .contains("backup failed")
                .contains("`shop`");
        List<String> fields = new ArrayList<>();
        blocks.get(1)
                .get("fields")
                .forEach(field -> fields.add(field.get("text").asText()));
        assertThat(fields)
                .contains(
                        "*Database*\nshop",
                        "*Backup*\n" + TestEvents.BACKUP_ID,
                        "*Trigger*\nschedule",
                        "*Duration*\n1.3 s",
                        "*At*\n2026-11-25 02:00:03 UTC");
        String error = blocks.get(2).get("text").get("text").asText();
        assertThat(error)
                .startsWith("```pg_dump: error: query failed\nline 2")
                .contains("line 8")
                .doesNotContain("line 9")
                .endsWith("...```");
        assertThat(notifier.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(log.entries()).isEmpty();
    }

    @Test
    void postsTheAuditEventAsIsToAGenericWebhook() throws Exception {
        WebhookNotifier notifier = track(notifier()
                .format(WebhookNotifier.Format.GENERIC)
                .onSuccess(true)
                .build());
        notifier.onEvent(TestEvents.backupSucceeded("shop"));

        JsonNode event = json.readTree(nextBody());
        assertThat(event.get("type").asText()).isEqualTo("backup.succeeded");
        assertThat(event.get("database").asText()).isEqualTo("shop");
        assertThat(event.get("backupId").asText()).isEqualTo(TestEvents.BACKUP_ID);
        assertThat(event.get("trigger").asText()).isEqualTo("schedule");
        assertThat(event.get("durationMs").asLong()).isEqualTo(83_412L);
        assertThat(event.get("storedBytes").asLong()).isEqualTo(12_345_678L);
        assertThat(event.get("dumpBytes").asLong()).isEqualTo(98_765_432L);
    }

    @Test
    void successesAndStartsAreNotPostedUnlessAskedFor() throws Exception {
        WebhookNotifier failuresOnly = track(notifier().build());
        failuresOnly.onEvent(TestEvents.started("shop"));
        failuresOnly.onEvent(TestEvents.backupSucceeded("shop"));
        failuresOnly.onEvent(TestEvents.backupFailed("shop", "boom"));

        // events go out in order, so the first request proves the two before it were skipped
        assertThat(json.readTree(nextBody()).get("text").asText()).endsWith("failed");
        assertThat(failuresOnly.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(received).isEmpty();

        WebhookNotifier withSuccesses = track(notifier().onSuccess(true).build());
        withSuccesses.onEvent(TestEvents.started("shop"));
        withSuccesses.onEvent(TestEvents.backupSucceeded("shop"));
        JsonNode success = json.readTree(nextBody());
        assertThat(success.get("text").asText()).isEqualTo("pgkeep: backup of shop succeeded");
        List<String> fields = new ArrayList<>();
        success.get("blocks")
                .get(1)
                .get("fields")
                .forEach(field -> fields.add(field.get("text").asText()));
        assertThat(fields).contains("*Duration*\n1 min 23 s", "*Size*\n11.8 MiB (dump 94.2 MiB)");
        assertThat(withSuccesses.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void retriesServerErrorsWithBackoffUntilDelivered() throws Exception {
        script.add(503);
        script.add(500);
        WebhookNotifier notifier = track(notifier().maxRetries(3).build());
        notifier.onEvent(TestEvents.backupFailed("shop", "boom"));

        String first = nextBody();
        assertThat(nextBody()).isEqualTo(first);
        assertThat(nextBody()).isEqualTo(first);
        assertThat(notifier.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(received).isEmpty();
        assertThat(log.entries()).isEmpty();
    }

    @Test
    void doesNotRetryAClientErrorAndLogsItOnceWithoutTheUrlsSecretPath() throws Exception {
        script.add(404);
        WebhookNotifier notifier = track(notifier().maxRetries(3).build());
        notifier.onEvent(TestEvents.backupFailed("shop", "boom"));

        nextBody();
        assertThat(notifier.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(received).as("no retry after 404").isEmpty();
        assertThat(loggedWarning())
                .contains("backup.failed", "'shop'", "HTTP 404", "after 1 attempt", "127.0.0.1")
                .doesNotContain("XyZsEcReTtOkEn")
                .doesNotContain("/services/");
    }

    @Test
    void givesUpAfterTheLastRetryAndLogsOnce() throws Exception {
        for (int i = 0; i < 10; i++) {
            script.add(502);
        }
        WebhookNotifier notifier = track(notifier().maxRetries(2).build());
        notifier.onEvent(TestEvents.backupFailed("shop", "boom"));

        nextBody();
        nextBody();
        nextBody();
        assertThat(notifier.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(received).as("1 attempt + 2 retries").isEmpty();
        assertThat(loggedWarning()).contains("HTTP 502", "after 3 attempts");
    }

    @Test
    void aHangingWebhookTimesOutAndIsRetried() throws Exception {
        script.add(HANG);
        script.add(HANG);
        WebhookNotifier notifier =
                track(notifier().timeout(Duration.ofMillis(300)).maxRetries(1).build());
        notifier.onEvent(TestEvents.backupFailed("shop", "boom"));

        nextBody();
        nextBody();
        assertThat(notifier.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(loggedWarning()).contains("no answer within 300 ms", "after 2 attempts");
    }

    @Test
    void aSlowWebhookNeverDelaysTheCaller() throws Exception {
        script.add(HANG);
        WebhookNotifier notifier =
                track(notifier().timeout(Duration.ofSeconds(10)).maxRetries(1).build());

        // a synchronous post would block here until the webhook answers or 10 s pass
        assertTimeoutPreemptively(
                Duration.ofMillis(1500), () -> notifier.onEvent(TestEvents.backupFailed("shop", "boom")));
        nextBody();
        assertThat(notifier.flush(Duration.ZERO)).as("still delivering").isFalse();

        releaseHangingRequests.countDown(); // the server drops the connection without answering: retried
        nextBody();
        assertThat(notifier.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(log.entries()).isEmpty();
    }

    @Test
    void neverSendsPasswordsOrConnectionUrls() throws Exception {
        String error = "pg_dump: error: connection to server failed\n"
                + "url postgresql://app:hunter2@db.internal:5432/shop?sslmode=require&sslpassword=hunter3\n"
                + "PGPASSWORD=hunter4";
        BackupEvent event = TestEvents.backupFailed("shop", error);
        WebhookNotifier slack = track(notifier().build());
        WebhookNotifier generic =
                track(notifier().format(WebhookNotifier.Format.GENERIC).build());
        slack.onEvent(event);
        generic.onEvent(event);

        for (String body : List.of(nextBody(), nextBody())) {
            assertThat(body)
                    .doesNotContain("hunter")
                    .doesNotContain("app:")
                    .doesNotContain("sslmode")
                    .contains("db.internal:5432/shop");
        }
    }

    @Test
    void closeDeliversWhatIsPendingThenIgnoresNewEvents() throws Exception {
        script.add(503);
        WebhookNotifier notifier = notifier().backoff(Duration.ofMillis(200)).build();
        notifier.onEvent(TestEvents.backupFailed("shop", "boom"));

        notifier.close();

        assertThat(received)
                .as("the first attempt and its retry happened before close returned")
                .hasSize(2);
        received.clear();
        notifier.onEvent(TestEvents.backupFailed("shop", "after close"));
        assertThat(notifier.flush(Duration.ZERO)).isTrue();
        assertThat(log.entries()).isEmpty();
    }

    @Test
    void rejectsAUrlThatIsNotHttpWithoutEchoingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WebhookNotifier.builder("ftp://user:hunter2@example.com/hook"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void formatsDurationsAndSizesForPeople() {
        assertThat(SlackMessage.duration(812)).isEqualTo("812 ms");
        assertThat(SlackMessage.duration(83_412)).isEqualTo("1 min 23 s");
        assertThat(SlackMessage.duration(3_723_000)).isEqualTo("1 h 2 min");
        assertThat(SlackMessage.bytes(999)).isEqualTo("999 B");
        assertThat(SlackMessage.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
        assertThat(SlackMessage.escape("<a & b>")).isEqualTo("&lt;a &amp; b&gt;");
    }
}
