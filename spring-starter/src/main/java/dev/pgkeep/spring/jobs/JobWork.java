package dev.pgkeep.spring.jobs;

import dev.pgkeep.core.ProgressListener;

/** What a job does; it reports how far it is to {@code progress}, which the engine shows as the job's progress. */
@FunctionalInterface
public interface JobWork {
    Object call(ProgressListener progress) throws Exception;
}
