package dev.pgkeep.core.audit;

import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs every {@link BackupEvent} on the logger {@value #LOGGER_NAME} with the fields of pgkeep's audit schema (see
 * {@link AuditEventJson} and {@code docs/audit.md}): failures at WARN, everything else at INFO. Two forms:
 *
 * <ul>
 *   <li>{@link Form#JSON_MESSAGE} (the default): the message is the whole JSON line, for plain text logs that a
 *       pipeline parses as JSON, or a file of its own;
 *   <li>{@link Form#KEY_VALUES}: a short message ({@code pgkeep backup.succeeded shop 20261125T020000Z-7f3a}) with
 *       every field as an SLF4J key-value pair, for structured logging (Spring Boot's
 *       {@code logging.structured.format.*=ecs|logstash|gelf}, logstash-logback-encoder), which then writes the fields
 *       as top-level JSON keys instead of a JSON string inside {@code message}.
 * </ul>
 */
public final class Slf4jJsonAuditSink implements AuditSink {
    /** The logger every audit line is written to. */
    public static final String LOGGER_NAME = "pgkeep.audit";

    /** How an event reaches the logger. */
    public enum Form {
        /** The message is the event's JSON line; no key-value pairs. */
        JSON_MESSAGE,
        /** A short human message, the event's fields as key-value pairs (for structured log encoders). */
        KEY_VALUES
    }

    private final Logger logger;
    private final Form form;

    /** Logs the JSON line to {@value #LOGGER_NAME}. */
    public Slf4jJsonAuditSink() {
        this(LoggerFactory.getLogger(LOGGER_NAME), Form.JSON_MESSAGE);
    }

    /** Logs to {@value #LOGGER_NAME} in the given form. */
    public Slf4jJsonAuditSink(Form form) {
        this(LoggerFactory.getLogger(LOGGER_NAME), form);
    }

    /** Logs the JSON line to {@code logger}, for hosts that keep audit lines under their own logger name. */
    public Slf4jJsonAuditSink(Logger logger) {
        this(logger, Form.JSON_MESSAGE);
    }

    /** Logs to {@code logger} in the given form. */
    public Slf4jJsonAuditSink(Logger logger, Form form) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.form = Objects.requireNonNull(form, "form");
    }

    /** The form events are logged in. */
    public Form form() {
        return form;
    }

    @Override
    public void onEvent(BackupEvent event) {
        boolean failed = event.phase() == BackupEvent.Phase.FAILED;
        if (failed ? !logger.isWarnEnabled() : !logger.isInfoEnabled()) {
            return;
        }
        if (form == Form.JSON_MESSAGE) {
            if (failed) {
                logger.warn(AuditEventJson.toJson(event));
            } else {
                logger.info(AuditEventJson.toJson(event));
            }
            return;
        }
        LoggingEventBuilder line = failed ? logger.atWarn() : logger.atInfo();
        for (Map.Entry<String, Object> field : AuditEventJson.fields(event).entrySet()) {
            line = line.addKeyValue(field.getKey(), field.getValue());
        }
        line.log(summary(event));
    }

    // what a person reads in a console; the fields carry the rest
    private static String summary(BackupEvent event) {
        StringBuilder text = new StringBuilder("pgkeep ").append(event.type());
        if (event.database() != null) {
            text.append(' ').append(event.database());
        }
        String backupId = event.backupId() != null
                ? event.backupId()
                : event.manifest() == null ? null : event.manifest().id().value();
        if (backupId != null) {
            text.append(' ').append(backupId);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "Slf4jJsonAuditSink[" + logger.getName() + ", " + form + "]";
    }
}
