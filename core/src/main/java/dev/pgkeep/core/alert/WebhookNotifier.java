package dev.pgkeep.core.alert;

import dev.pgkeep.core.audit.AuditEventJson;
import dev.pgkeep.core.internal.CredentialRedactor;
import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * An {@link AuditSink} that posts failed operations (and, if asked, succeeded ones) to a Slack incoming webhook or a
 * generic JSON webhook.
 *
 * <p>Delivery is asynchronous: {@link #onEvent} only queues the message, so a slow or broken webhook never fails or
 * delays a backup. Each attempt has a timeout; 5xx, 429 and network errors are retried up to
 * {@code maxRetries} times with exponential backoff; other 4xx answers are not retried. A notification that cannot
 * be delivered is logged once, at WARN, without the webhook URL (a Slack webhook URL is itself a credential).
 *
 * <p>The message holds the database, backup id, trigger, duration, size and the error's first lines, redacted; never
 * a password or a full connection URL. {@link Format#GENERIC} posts the event in the audit schema of
 * {@link AuditEventJson}.
 *
 * <p>Call {@link #close()} before the process exits (the CLI does) so that a pending alert is still delivered; it
 * waits at most as long as one notification's full retry budget.
 *
 * <pre>{@code
 * WebhookNotifier slack = WebhookNotifier.builder(URI.create(System.getenv("PGKEEP_SLACK_WEBHOOK")))
 *         .format(WebhookNotifier.Format.SLACK)
 *         .onSuccess(false)
 *         .build();
 * BackupService backups = BackupService.builder()....auditSink(slack).build();
 * }</pre>
 */
public final class WebhookNotifier implements AuditSink, AutoCloseable {

    /** The body posted to the webhook. */
    public enum Format {
        /** Slack's incoming-webhook JSON: {@code text} plus Block Kit {@code blocks}. */
        SLACK,
        /** The event itself, as one JSON object in pgkeep's audit schema ({@link AuditEventJson}). */
        GENERIC
    }

    static final int MAX_ERROR_LINES = 8;
    static final int MAX_ERROR_CHARS = 1500;

    private final URI url;
    private final Format format;
    private final boolean onSuccess;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration backoff;
    private final int maxPending;
    private final Logger log;

    private final ExecutorService httpExecutor;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger pending = new AtomicInteger();
    private final Object idle = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean overflowLogged = new AtomicBoolean();

    WebhookNotifier(WebhookNotifierBuilder b) {
        this.url = b.url;
        this.format = b.format;
        this.onSuccess = b.onSuccess;
        this.timeout = b.timeout;
        this.maxRetries = b.maxRetries;
        this.backoff = b.backoff;
        this.maxPending = b.maxPending;
        this.log = b.log;
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("pgkeep-webhook-http"));
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor)
                .build();
        // one thread: notifications go out in the order the events happened
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("pgkeep-webhook"));
    }

    /** A notifier posting to {@code url} ({@code https://hooks.slack.com/services/...} or any http(s) URL). */
    public static WebhookNotifierBuilder builder(URI url) {
        return new WebhookNotifierBuilder(url);
    }

    /** Same as {@link #builder(URI)}, for a URL read from configuration or the environment. */
    public static WebhookNotifierBuilder builder(String url) {
        Objects.requireNonNull(url, "url");
        URI parsed;
        try {
            parsed = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            // the message of e would echo the URL, whose path is the webhook's secret
            throw new IllegalArgumentException(
                    "The webhook URL is not a valid URL; copy it again from Slack (Incoming Webhooks) or your"
                            + " alerting tool.");
        }
        return new WebhookNotifierBuilder(parsed);
    }

    @Override
    public void onEvent(BackupEvent event) {
        if (!wanted(event) || closed.get()) {
            return;
        }
        String body;
        try {
            body = format == Format.SLACK ? SlackMessage.toJson(event) : AuditEventJson.toJson(event);
        } catch (RuntimeException e) {
            log.warn("pgkeep could not build the " + event.type() + " webhook notification: " + e);
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            finished();
            if (overflowLogged.compareAndSet(false, true)) {
                log.warn("pgkeep dropped a " + event.type() + " webhook notification: " + maxPending
                        + " are already waiting for " + describeTarget() + ", which is not answering in time."
                        + " Further drops are not logged.");
            }
            return;
        }
        Delivery delivery = new Delivery(event.type(), event.database(), body);
        try {
            scheduler.execute(() -> attempt(delivery, 1));
        } catch (RejectedExecutionException e) {
            finished(); // closed concurrently
        }
    }

    private boolean wanted(BackupEvent event) {
        return switch (event.phase()) {
            case FAILED -> true;
            case SUCCEEDED -> onSuccess;
            case STARTED -> false;
        };
    }

    private void attempt(Delivery delivery, int attempt) {
        String failure;
        boolean retryable;
        try {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "pgkeep")
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.body(), StandardCharsets.UTF_8))
                    .build();
            int status =
                    client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                finished();
                return;
            }
            failure = "HTTP " + status;
            retryable = status >= 500 || status == 429;
            if (!retryable) {
                failure += " (not retried: the webhook refused the message; check that its URL is still valid)";
            }
        } catch (HttpTimeoutException e) {
            failure = "no answer within " + timeout.toMillis() + " ms";
            retryable = true;
        } catch (IOException e) {
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            retryable = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(delivery, attempt, "interrupted while pgkeep was shutting down");
            return;
        } catch (RuntimeException e) {
            giveUp(delivery, attempt, e.toString());
            return;
        }
        if (!retryable || attempt > maxRetries) {
            giveUp(delivery, attempt, failure);
            return;
        }
        log.debug("Webhook attempt {} for {} failed ({}); retrying", attempt, delivery.type(), failure);
        try {
            scheduler.schedule(() -> attempt(delivery, attempt + 1), backoffMillis(attempt), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(delivery, attempt, failure + "; no retry because the notifier was closed");
        }
    }

    /** Wait before retry number {@code attempt}: backoff, 2 x backoff, 4 x backoff, ... */
    private long backoffMillis(int attempt) {
        return backoff.toMillis() << Math.min(attempt - 1, 20);
    }

    private void giveUp(Delivery delivery, int attempts, String failure) {
        try {
            log.warn("pgkeep could not deliver the " + delivery.type() + " notification"
                    + (delivery.database() == null ? "" : " for database '" + delivery.database() + "'")
                    + " to " + describeTarget() + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + ": " + CredentialRedactor.redact(failure) + ". The operation itself is not affected.");
        } finally {
            finished();
        }
    }

    private void finished() {
        if (pending.decrementAndGet() <= 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Waits until every queued notification is delivered or given up.
     *
     * @return whether nothing is pending any more
     */
    public boolean flush(Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (idle) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** How long one notification may take at most: every attempt timing out, plus every backoff. */
    Duration deliveryBudget() {
        long backoffs = 0;
        for (int attempt = 1; attempt <= maxRetries; attempt++) {
            backoffs += backoffMillis(attempt);
        }
        // an attempt can spend the connect timeout and then the request timeout
        return timeout.multipliedBy(2L * (maxRetries + 1)).plusMillis(backoffs);
    }

    /**
     * Stops taking new notifications, waits for pending ones (at most one notification's retry budget), then stops
     * the notifier's threads. Never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!flush(deliveryBudget())) {
                log.warn("pgkeep closed the webhook notifier for " + describeTarget() + " with " + pending.get()
                        + " notification(s) still undelivered.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
            httpExecutor.shutdownNow();
        }
    }

    /** Scheme and host only: the path of a Slack webhook URL is its secret. */
    private String describeTarget() {
        return "the " + format.name().toLowerCase(Locale.ROOT) + " webhook at " + url.getScheme() + "://"
                + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + describeTarget() + ", onSuccess=" + onSuccess + "]";
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record Delivery(String type, @Nullable String database, String body) {}
}
