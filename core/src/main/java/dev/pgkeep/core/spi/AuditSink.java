package dev.pgkeep.core.spi;

/**
 * Receives every {@link BackupEvent}. Several sinks may be registered (SLF4J JSON log, Micrometer, Slack, the host's
 * own). A sink must not block for long and must not throw: exceptions are logged and swallowed so that a broken sink
 * never fails a backup.
 */
public interface AuditSink {

    /** A sink that ignores everything. */
    AuditSink NO_OP = new AuditSink() {};

    default void onEvent(BackupEvent event) {}
}
