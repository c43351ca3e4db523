package dev.pgkeep.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.metrics.micrometer.PgkeepObservations;
import dev.pgkeep.spring.TestDatabases;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Boot host with a real tracer (Brave through Micrometer Tracing's bridge, trace ids in the MDC as Boot's tracing
 * support sets it up) and Boot's {@code ObservationRegistry}: the lines core logs while a backup runs carry the trace
 * id of the backup's span, because pgkeep's observation is the current one on the thread that runs it.
 */
class ObservationTracingTest {
    static String database;

    @TempDir
    Path repo;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.createSample("starter_traced");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TracedHost {
        final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

        @Bean(destroyMethod = "close")
        Tracing braveTracing() {
            return Tracing.newBuilder()
                    .localServiceName("traced-host")
                    .currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder()
                            .addScopeDecorator(MDCScopeDecorator.get())
                            .build())
                    .sampler(Sampler.ALWAYS_SAMPLE)
                    .addSpanHandler(new SpanHandler() {
                        @Override
                        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                            finished.add(span);
                            return true;
                        }
                    })
                    .build();
        }

        @Bean
        Tracer tracer(Tracing tracing) {
            return new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()));
        }

        /** Boot registers every ObservationHandler bean with its ObservationRegistry. */
        @Bean
        DefaultTracingObservationHandler tracingObservationHandler(Tracer tracer) {
            return new DefaultTracingObservationHandler(tracer);
        }
    }

    @Test
    void linesCoreLogsDuringABackupCarryTheTraceIdOfTheBackupsSpan() {
        String[] properties = Stream.concat(
                        Stream.of(TestDatabases.hostProperties(database)), Stream.of("pgkeep.repository=" + repo))
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TracedHost.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run()) {
            assertThat(context.getBeansOfType(PgkeepObservations.class)).hasSize(1);
            Logger core = (Logger) LoggerFactory.getLogger("dev.pgkeep.core");
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            core.addAppender(logged);
            try {
                context.getBean(BackupService.class).backup(BackupRequest.of(Trigger.TEST));
            } finally {
                core.detachAppender(logged);
            }

            ILoggingEvent stored = logged.list.stream()
                    .filter(e -> e.getMessage().startsWith("Backup {} of {} stored"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("core logged no 'stored' line: " + logged.list));
            MutableSpan backup = context.getBean(TracedHost.class).finished.stream()
                    .filter(s -> ("backup " + database).equals(s.name()))
                    .findFirst()
                    .orElseThrow();
            assertThat(stored.getMDCPropertyMap())
                    .containsEntry("traceId", backup.traceId())
                    .containsEntry("spanId", backup.id());
            assertThat(backup.tags()).containsEntry("database", database).containsEntry("outcome", "success");
            assertThat(MDC.get("traceId"))
                    .as("the scope is closed once the backup ended")
                    .isNull();
        }
    }
}
