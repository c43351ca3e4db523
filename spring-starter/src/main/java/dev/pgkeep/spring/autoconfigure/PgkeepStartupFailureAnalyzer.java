package dev.pgkeep.spring.autoconfigure;

import dev.pgkeep.spring.PgkeepStartupException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link PgkeepStartupException} anywhere in a failed start's cause chain into Boot's "APPLICATION FAILED TO
 * START" report (Description / Action) instead of a bean-creation stack trace. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class PgkeepStartupFailureAnalyzer extends AbstractFailureAnalyzer<PgkeepStartupException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PgkeepStartupException cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}
