package dev.pgkeep.core.alert;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Options of a {@link WebhookNotifier}; every one has a default except the URL. */
public final class WebhookNotifierBuilder {

    final URI url;
    WebhookNotifier.Format format = WebhookNotifier.Format.SLACK;
    boolean onSuccess;
    Duration timeout = Duration.ofSeconds(5);
    int maxRetries = 3;
    Duration backoff = Duration.ofSeconds(1);
    int maxPending = 100;
    Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    WebhookNotifierBuilder(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            throw new IllegalArgumentException("The webhook URL must be an absolute http(s) URL such as"
                    + " https://hooks.slack.com/services/...; got one with scheme '" + scheme + "'.");
        }
        this.url = url;
    }

    /** The body's shape; default {@link WebhookNotifier.Format#SLACK}. */
    public WebhookNotifierBuilder format(WebhookNotifier.Format value) {
        this.format = Objects.requireNonNull(value, "format");
        return this;
    }

    /** Whether to post succeeded operations too; default false (failures only). */
    public WebhookNotifierBuilder onSuccess(boolean value) {
        this.onSuccess = value;
        return this;
    }

    /** How long to wait for the connection and for the answer of one attempt; default 5 seconds. */
    public WebhookNotifierBuilder timeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("The webhook timeout must be positive, got " + value);
        }
        this.timeout = value;
        return this;
    }

    /** How many times a failed attempt (5xx, 429, network error, timeout) is retried; default 3. */
    public WebhookNotifierBuilder maxRetries(int value) {
        if (value < 0 || value > 10) {
            throw new IllegalArgumentException("maxRetries must be between 0 and 10, got " + value);
        }
        this.maxRetries = value;
        return this;
    }

    /** Wait before the first retry, doubled for each further one; default 1 second. */
    public WebhookNotifierBuilder backoff(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("The webhook backoff must not be negative, got " + value);
        }
        this.backoff = value;
        return this;
    }

    /** How many notifications may wait for delivery before new ones are dropped; default 100. */
    public WebhookNotifierBuilder maxPending(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + value);
        }
        this.maxPending = value;
        return this;
    }

    // tests capture what is logged
    WebhookNotifierBuilder logger(Logger value) {
        this.log = Objects.requireNonNull(value, "logger");
        return this;
    }

    public WebhookNotifier build() {
        return new WebhookNotifier(this);
    }
}
