package dev.pgkeep.core.audit;

import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every {@link BackupEvent} as one JSON object (see {@link AuditEventJson} and {@code docs/audit.md}) on the
 * logger {@value #LOGGER_NAME}: failures at WARN, everything else at INFO. Route that logger to its own file or
 * ship it as-is to a log pipeline; the message is the whole JSON line.
 */
public final class Slf4jJsonAuditSink implements AuditSink {
    /** The logger every audit line is written to. */
    public static final String LOGGER_NAME = "pgkeep.audit";

    private final Logger logger;

    /** Logs to {@value #LOGGER_NAME}. */
    public Slf4jJsonAuditSink() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    /** Logs to {@code logger}, for hosts that keep audit lines under their own logger name. */
    public Slf4jJsonAuditSink(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    @Override
    public void onEvent(BackupEvent event) {
        if (event.phase() == BackupEvent.Phase.FAILED) {
            if (logger.isWarnEnabled()) {
                logger.warn(AuditEventJson.toJson(event));
            }
        } else if (logger.isInfoEnabled()) {
            logger.info(AuditEventJson.toJson(event));
        }
    }

    @Override
    public String toString() {
        return "Slf4jJsonAuditSink[" + logger.getName() + "]";
    }
}
