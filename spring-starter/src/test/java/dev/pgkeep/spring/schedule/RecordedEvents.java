package dev.pgkeep.spring.schedule;

import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.util.List;

/** An audit sink that adds every event to a list the test reads. */
final class RecordedEvents {
    private RecordedEvents() {}

    static AuditSink into(List<BackupEvent> events) {
        return new AuditSink() {
            @Override
            public void onEvent(BackupEvent event) {
                events.add(event);
            }
        };
    }
}
