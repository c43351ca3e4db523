package dev.pgkeep.core;

/**
 * Receives the progress of a backup, restore or verify: a few times a second while bytes flow (per buffer and
 * throttled, never per byte), and once more when each phase ends. Called from the operation's own threads, never
 * twice at once; it must return quickly and should not throw (what it throws is logged and ignored: progress never
 * fails an operation).
 */
@FunctionalInterface
public interface ProgressListener {
    /** Nothing is measured for this one: no database-size query, no counting. */
    ProgressListener NONE = progress -> {};

    void onProgress(Progress progress);
}
