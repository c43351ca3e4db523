package dev.pgkeep.spring.web;

import dev.pgkeep.core.VerifyResult;
import org.jspecify.annotations.Nullable;

/** A passed verification (a failed one fails the job with a 422 problem). */
public record VerifyView(
        String backupId,
        String method,
        int archiveEntries,
        @Nullable Integer tablesCompared,
        long durationMs) {

    public static VerifyView of(VerifyResult r) {
        return new VerifyView(r.backupId().value(), r.method(), r.archiveEntries(), r.tablesCompared(), r.durationMs());
    }
}
