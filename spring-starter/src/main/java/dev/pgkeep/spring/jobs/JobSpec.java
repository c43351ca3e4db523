package dev.pgkeep.spring.jobs;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a job does, as data: enough for any instance of the application to run it, so that a job engine shared by
 * every instance ({@link ClusterJobs}) can hand it to whichever instance has a free thread.
 *
 * @param type {@code backup}, {@code restore} or {@code verify}
 * @param database the database the job works on (a restore's target)
 * @param exclusiveKey jobs with the same key never overlap ({@code restore:NAME}); {@code null} for none
 * @param backupId the backup a restore or verify reads
 * @param label a backup's label
 * @param confirm a restore's confirmation (the target's name)
 */
public record JobSpec(
        String type,
        @Nullable String database,
        @Nullable String exclusiveKey,
        @Nullable String backupId,
        @Nullable String label,
        @Nullable String confirm,
        boolean force,
        boolean create,
        List<String> tables,
        List<String> schemas,
        boolean restoreTest,
        @Nullable String actor,
        @Nullable String clientAddress) {

    public JobSpec {
        tables = tables == null ? List.of() : List.copyOf(tables);
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
    }

    /** A backup of {@code database}, exclusive per database. */
    public static JobSpec backup(
            String database, @Nullable String label, @Nullable String actor, @Nullable String clientAddress) {
        return new JobSpec(
                "backup",
                database,
                "backup:" + database,
                null,
                label,
                null,
                false,
                false,
                List.of(),
                List.of(),
                false,
                actor,
                clientAddress);
    }

    /** A verification of the backup {@code backupId} of {@code database}. */
    public static JobSpec verify(
            String database,
            String backupId,
            boolean restoreTest,
            @Nullable String actor,
            @Nullable String clientAddress) {
        return new JobSpec(
                "verify",
                database,
                null,
                backupId,
                null,
                null,
                false,
                false,
                List.of(),
                List.of(),
                restoreTest,
                actor,
                clientAddress);
    }
}
