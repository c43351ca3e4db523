package dev.pgkeep.core;

import java.util.List;

/**
 * A finished {@code restore --all}.
 *
 * @param rolesCreated roles the globals created (those the target already had were left as they were)
 * @param databases the databases restored, each with its own result
 */
public record ServerRestoreResult(String setId, List<String> rolesCreated, List<RestoreResult> databases) {
    public ServerRestoreResult {
        rolesCreated = List.copyOf(rolesCreated);
        databases = List.copyOf(databases);
    }
}
