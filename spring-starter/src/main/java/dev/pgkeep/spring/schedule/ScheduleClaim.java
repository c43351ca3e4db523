package dev.pgkeep.spring.schedule;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Lets exactly one instance of the host application run a schedule tick for a database. A claim is held until the
 * run ends and at least until {@code holdUntil}, in ShedLock's "lock at least for" spirit: an instance whose tick
 * fires a little later (clock skew, a slow start) finds the tick still claimed instead of running it again.
 */
public interface ScheduleClaim {

    /** Claims the current tick for {@code database}; empty when another instance holds it. */
    Optional<Held> tryClaim(String database);

    /**
     * Runs {@code work} under the claim of {@code name}, held at least until {@code holdUntil}: {@code elsewhere} when
     * another instance holds it, {@code unavailable} (logged) when the claim cannot be asked for.
     */
    default <T> T runClaimed(String name, Instant holdUntil, T elsewhere, T unavailable, Supplier<T> work) {
        Optional<Held> held;
        try {
            held = tryClaim(name);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ScheduleClaim.class)
                    .error("pgkeep: {} skipped, its schedule claim failed: {}", name, e.getMessage());
            return unavailable;
        }
        if (held.isEmpty()) {
            LoggerFactory.getLogger(ScheduleClaim.class).debug("pgkeep: {} is run by another instance", name);
            return elsewhere;
        }
        try {
            return work.get();
        } finally {
            held.get().releaseNoEarlierThan(holdUntil);
        }
    }

    /** A held claim. */
    interface Held {
        /** Gives the claim up once the run has finished, but not before {@code holdUntil}. */
        void releaseNoEarlierThan(Instant holdUntil);
    }

    /**
     * A claim that only excludes runs inside this JVM: for single-instance applications without a DataSource. It is
     * released when the run ends.
     */
    static ScheduleClaim inProcess() {
        Set<String> held = ConcurrentHashMap.newKeySet();
        return database -> held.add(database) ? Optional.of(until -> held.remove(database)) : Optional.empty();
    }
}
