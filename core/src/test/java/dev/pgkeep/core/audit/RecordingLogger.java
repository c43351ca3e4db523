package dev.pgkeep.core.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/** An SLF4J logger that keeps what it is given, so tests can read exactly what was logged at which level. */
public final class RecordingLogger extends AbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;

    /** One logged message, arguments already filled in, with its key-value pairs (fluent API) in order. */
    public record Entry(Level level, String message, Map<String, Object> keyValues) {}

    private final Level threshold;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** Records {@code threshold} and more severe levels. */
    public RecordingLogger(Level threshold) {
        this.threshold = threshold;
        this.name = "recording";
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<String> messages(Level level) {
        return entries.stream()
                .filter(e -> e.level() == level)
                .map(Entry::message)
                .toList();
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return RecordingLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
        entries.add(new Entry(level, MessageFormatter.basicArrayFormat(messagePattern, arguments), Map.of()));
    }

    @Override
    public void log(LoggingEvent event) {
        Map<String, Object> pairs = new LinkedHashMap<>();
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                pairs.put(pair.key, pair.value);
            }
        }
        Object[] arguments = event.getArgumentArray();
        entries.add(new Entry(
                event.getLevel(),
                MessageFormatter.basicArrayFormat(event.getMessage(), arguments == null ? new Object[0] : arguments),
                pairs));
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return enabled(Level.ERROR);
    }
}
